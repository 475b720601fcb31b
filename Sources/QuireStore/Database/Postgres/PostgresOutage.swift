import Logging
import PostgresKit
import PostgresNIO
import Synchronization

/// Whether PostgreSQL is known to be down, so requests fail at once with `DatabaseError.unavailable`
/// (a 503) instead of queueing for a connection the pool can't make: with the server stopped,
/// every request used to wait on the pool until it came back. A statement that fails because the
/// connection went (closed, refused, the server shutting down) marks it down; a watcher then
/// tries one direct connection every `probeInterval` and marks it up as soon as one opens, so
/// service resumes within that of the server's return.
final class PostgresOutage: Sendable {
    static let probeInterval = Duration.milliseconds(200)

    private let down = Atomic<Bool>(false)
    private let url: String
    private let logger: Logger

    init(url: String, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Throws at once while the server is known to be down.
    func check() throws {
        if down.load(ordering: .relaxed) { throw DatabaseError.unavailable("the database does not answer") }
    }

    /// `error` as the caller should see it: a lost or refused connection becomes `unavailable`
    /// and marks the server down; anything else passes through.
    func translate(_ error: any Error) -> any Error {
        guard Self.isConnectionFailure(error) else { return error }
        if !down.exchange(true, ordering: .relaxed) {
            logger.error("PostgreSQL connection lost; answering 503 until it is back", metadata: ["error": "\(String(reflecting: error))"])
        }
        return DatabaseError.unavailable("the database does not answer")
    }

    /// Probes while the server is down, until cancelled.
    func watch() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: Self.probeInterval) } catch { return }
            guard down.load(ordering: .relaxed) else { continue }
            guard let configuration = try? SQLPostgresConfiguration(url: url).coreConfiguration,
                  let connection = try? await PostgresConnection.connect(configuration: configuration, id: -1, logger: logger)
            else { continue }
            let answered = (try? await connection.query("SELECT 1", logger: logger)) != nil
            try? await connection.close()
            if answered {
                down.store(false, ordering: .relaxed)
                logger.notice("PostgreSQL answers again")
            }
        }
    }

    /// The connection went or could not be made: SQLSTATE classes 08 (connection exception) and
    /// 57 (operator intervention: the server shutting down, or not yet accepting connections).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        // PostgresStatementDatabase refuses a statement on a connection that has closed.
        if case DatabaseError.unavailable = error { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57")
        default:
            return false
        }
    }
}
