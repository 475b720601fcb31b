import Foundation
import Hummingbird
import Logging
import NIOCore
import QuireStore
import ServiceLifecycle

/// The commands' entry points: each opens the database, does its work and closes it.
public enum Commands {
    /// Runs the HTTP server until SIGTERM or SIGINT, then stops accepting, lets in-flight requests
    /// finish within `shutdownGrace`, and closes the database last.
    public static func serve(_ configuration: QuireConfiguration) async throws {
        let logger = Logger(label: "quire")
        let database = try await Database.open(
            configuration.databaseURL, poolSize: configuration.poolSize, slowStatementThreshold: configuration.slowStatementThreshold,
            sqliteCacheKiB: configuration.sqliteCacheKiB, cacheLimits: configuration.cacheLimits, logger: logger)
        let app = buildApplication(database: database, configuration: configuration, logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        groupConfiguration.maximumCancellationDuration = Self.cancellationLimit
        logger.info("starting", metadata: [
            "address": "\(configuration.host):\(configuration.port)", "database": "\(configuration.databaseURL)",
        ])
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ConfigurationError("cannot listen on \(configuration.host):\(configuration.port): address already in use")
        } catch let error as ServiceGroupError {
            throw error
        }
    }

    /// How long services get to end once a shutdown that overran its grace cancels them. Past it
    /// the process stops itself (ServiceLifecycle's fatalError) rather than linger: once, under
    /// load on PostgreSQL, a cancelled shutdown was seen never to return, every thread idle.
    static let cancellationLimit = Duration.seconds(5)

    /// Opens the database, runs `body` while the database's background work runs, then closes it.
    public static func withDatabase<T: Sendable>(
        _ configuration: QuireConfiguration, _ body: @escaping @Sendable (Database) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "quire")
        let database = try await Database.open(
            configuration.databaseURL, poolSize: configuration.poolSize, slowStatementThreshold: configuration.slowStatementThreshold,
            sqliteCacheKiB: configuration.sqliteCacheKiB, cacheLimits: configuration.cacheLimits, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await database.run()
                return nil
            }
            defer { group.cancelAll() }
            try await database.ping(timeout: .seconds(10))
            return try await body(database)
        }
    }

    /// Explains a startup failure in one line, without a stack trace.
    public static func oneLine(_ error: any Error) -> String {
        switch error {
        case let error as ConfigurationError: return error.description
        case let error as DatabaseError: return error.description
        case let error as IOError where error.errnoCode == EADDRINUSE: return "cannot listen: address already in use"
        case let error as IOError: return "I/O error: \(error.description)"
        case let error as ServiceGroupError: return "service failure: \(error)"
        default: return String(describing: error)
        }
    }
}
