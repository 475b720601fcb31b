import _ConnectionPoolModule
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
///
/// A statement fails that way only if one runs on a connection as it goes. When the server stops
/// while every connection is idle, the pool drops them and keeps trying to open new ones, and
/// each lease waits meanwhile: the pool fails waiting leases only when its circuit breaker trips
/// (after 15 s of failures), with an error that was not taken for an outage. Found by hand
/// (three requests on a quiet server, PostgreSQL stopped with `-m fast`): the next requests hung
/// past 30 s or answered 500; scripts/db-fault failed once in CI that way. So leases waiting for
/// a connection are counted (`leasing`), and when they have waited `stuckAfter` with none handed
/// out, the watcher probes the server. Marking it down replaces the pool (`PostgresPool`), which
/// fails the leases waiting in the old one; they are answered 503 like the rest.
final class PostgresOutage: Sendable {
    static let probeInterval = Duration.milliseconds(200)
    /// How long leases may wait with none handed out before the server is probed.
    static let stuckAfter = Duration.milliseconds(250)

    private let down = Atomic<Bool>(false)
    /// Leases waiting for a connection, and when one was last handed out or the first of those
    /// waiting began to wait (nanoseconds since `origin`).
    private let waiting = Atomic<Int>(0)
    private let progress = Atomic<Int64>(0)
    /// Leases holding a connection (for `quire_db_connections_in_use`).
    private let inUse = Atomic<Int>(0)
    private let origin = ContinuousClock.now
    private let url: String
    private let logger: Logger
    /// Called as the server is marked down, and as it is marked up again.
    private let replacePool: @Sendable () -> Void

    init(url: String, logger: Logger, replacePool: @escaping @Sendable () -> Void) {
        self.url = url
        self.logger = logger
        self.replacePool = replacePool
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
            replacePool()
        }
        return DatabaseError.unavailable("the database does not answer")
    }

    /// Runs `lease` (a pooled connection's use, which calls `granted` as the pool hands it the
    /// connection), counted as waiting until then and as holding a connection after.
    func leasing<T: Sendable>(_ lease: (_ granted: () -> Void) async throws -> T) async throws -> T {
        if waiting.add(1, ordering: .relaxed).newValue == 1 { progress.store(now, ordering: .relaxed) }
        var holds = false
        defer {
            if holds { inUse.subtract(1, ordering: .relaxed) } else { waiting.subtract(1, ordering: .relaxed) }
        }
        return try await lease {
            guard !holds else { return }
            holds = true
            inUse.add(1, ordering: .relaxed)
            waiting.subtract(1, ordering: .relaxed)
            progress.store(now, ordering: .relaxed)
        }
    }

    /// Leases holding a connection and leases waiting for one, now.
    var usage: (inUse: Int, waiting: Int) {
        (inUse.load(ordering: .relaxed), waiting.load(ordering: .relaxed))
    }

    private var now: Int64 { Self.nanoseconds(ContinuousClock.now - origin) }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Whether leases have waited `stuckAfter` with none handed out.
    private var stuck: Bool {
        waiting.load(ordering: .relaxed) > 0 && now - progress.load(ordering: .relaxed) > Self.nanoseconds(Self.stuckAfter)
    }

    /// Probes while the server is down, or while leases wait and none is handed out, until
    /// cancelled.
    func watch() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: Self.probeInterval) } catch { return }
            let isDown = down.load(ordering: .relaxed)
            guard isDown || stuck, let configuration = try? SQLPostgresConfiguration(url: url).coreConfiguration else { continue }
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(configuration: configuration, id: -1, logger: logger)
            } catch {
                // Refused or lost: marks the server down (and replaces the pool) if it was not yet.
                _ = translate(error)
                continue
            }
            let answered = (try? await connection.query("SELECT 1", logger: logger)) != nil
            try? await connection.close()
            if answered, isDown {
                // A fresh pool, without the old one's reconnection backoff or tripped breaker.
                replacePool()
                down.store(false, ordering: .relaxed)
                logger.notice("PostgreSQL answers again")
            }
        }
    }

    /// The connection went or could not be made: SQLSTATE classes 08 (connection exception) and
    /// 57P (operator intervention: the server shutting down, or not yet accepting connections).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        // PostgresStatementDatabase refuses a statement on a connection that has closed.
        if case DatabaseError.unavailable = error { return true }
        // The pool gave up opening connections, or was stopped under a lease: replaced as the
        // server went (the outage is known) or came back (a lease that raced the return: the
        // server is marked down until the next probe, which costs a blip and can't leave a
        // stopped pool in use).
        if let error = error as? _ConnectionPoolModule.ConnectionPoolError {
            return error == .connectionCreationCircuitBreakerTripped || error == .poolShutdown
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // Not 57014 (a statement cancelled): the server is up.
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default:
            return false
        }
    }
}
