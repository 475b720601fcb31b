import ArgumentParser
import Foundation
import QuireApp
import QuireExchange

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one reader's export file, as POST /v1/me/exports does, without the job queue.")

    @Argument(help: "The reader's username.") var username: String
    @Option(help: "bookwyrm (a gzip'd tar BookWyrm imports), bookwyrm-csv or goodreads.") var format: String
    @Option(help: "The file to write; replaced only once the new one is whole.") var out: String
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try startUp(options.overrides)
        guard let format = ExportFormat(rawValue: format) else {
            fail(ValidationError("--format must be one of \(ExportFormat.names), got \(format)"))
        }
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1, command: "export")
        do {
            let start = ContinuousClock.now
            let written = try await Commands.exportAccount(configuration, username: username, format: format, out: out) { done, total in
                bar.show("books", Int(clamping: done), Int(clamping: total))
            }
            bar.finish()
            let seconds = Seed.seconds(start.duration(to: .now))
            print(String(format: "exported %lld books (%lld bytes) to %@ in %.2f s", written.books, written.size, out, seconds))
        } catch {
            bar.finish()
            fail(error)
        }
    }
}
