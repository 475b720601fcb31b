import ArgumentParser
import QuireApp

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (migrations are applied first).")

    @Option(help: "Address to listen on (QUIRE_HOST, default 127.0.0.1).")
    var host: String?
    @Option(help: "Port to listen on (QUIRE_PORT, default 8080).")
    var port: Int?
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        var overrides = options.overrides
        overrides.host = host
        overrides.port = port
        let configuration = try startUp(overrides)
        do {
            try await Commands.serve(configuration)
        } catch {
            fail(error)
        }
    }
}
