import ArgumentParser
import Foundation
import QuireApp
import QuireStore

@main
struct Quire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quire",
        abstract: "A self-hostable social reading server.",
        subcommands: [Serve.self, Worker.self, Migrate.self, Users.self, Counters.self, Jobs.self, Seed.self, Export.self, Import.self]
    )
}

/// Flags shared by every command that opens the database.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Database URL: sqlite:///path/quire.sqlite or postgres://user:pass@host:port/db (QUIRE_DATABASE_URL).")
    var databaseURL: String?
    @Option(help: "Database connections per process (QUIRE_POOL_SIZE, default 4).")
    var poolSize: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (QUIRE_LOG_LEVEL).")
    var logLevel: String?
    @Option(help: "Log format: text or json (QUIRE_LOG_FORMAT).")
    var logFormat: String?
    @Option(help: "Jobs run at once by this process's worker; 0 turns it off in serve (QUIRE_WORKERS, default 10).")
    var workers: Int?
    @Option(help: "Log SQL statements slower than this many milliseconds; 0 logs none (QUIRE_SLOW_STATEMENT_MS, default 200).")
    var slowStatementMs: Double?

    var overrides: QuireConfiguration.Overrides {
        var overrides = QuireConfiguration.Overrides()
        overrides.databaseURL = databaseURL
        overrides.poolSize = poolSize
        overrides.logLevel = logLevel
        overrides.logFormat = logFormat
        overrides.workers = workers
        overrides.slowStatementMS = slowStatementMs
        return overrides
    }
}

/// Resolves the configuration and sets up logging, metrics and the allocator, or exits with one
/// line on standard error.
func startUp(_ overrides: QuireConfiguration.Overrides) throws -> QuireConfiguration {
    do {
        let configuration = try QuireConfiguration.resolve(overrides)
        MemorySetup.bootstrap()
        LogSetup.bootstrap(configuration)
        MetricsSetup.bootstrap()
        TaskLoops.install(for: configuration.databaseURL)
        return configuration
    } catch {
        fail(error)
    }
}

func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("quire: \(Commands.oneLine(error))\n".utf8))
    exit(1)
}
