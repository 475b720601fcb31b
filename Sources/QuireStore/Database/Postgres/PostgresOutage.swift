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
/// past 30 s or answered 500; scripts/db-fault failed once in CI that way. So each lease waits in
/// a child task of its own (`leasing`); when leases have waited `stuckAfter` with none handed
/// out, the watcher probes the server, and once it is marked down the waiting leases' tasks are
/// cancelled (the pool honours a lease's cancellation), which ends only those waits: the
/// request's own task (the HTTP connection's, or the job worker's) is never cancelled.
final class PostgresOutage: Sendable {
    static let probeInterval = Duration.milliseconds(200)
    /// How long leases may wait with none handed out before the server is probed.
    static let stuckAfter = Duration.milliseconds(250)

    /// The child tasks of leases still waiting for a connection, by ticket, and those the outage
    /// cancelled. A task is only cancelled while it is here, so while it is alive: it removes
    /// itself (`unpark`) before it ends.
    private struct Waiting: ~Copyable {
        var tasks: [UInt64: Parked] = [:]
        var ended: Set<UInt64> = []
        var next: UInt64 = 0
        /// When a connection was last handed out, or the oldest waiting lease began to wait.
        var progress = ContinuousClock.now
    }

    /// A waiting lease's task. Only ever cancelled from elsewhere, which `UnsafeCurrentTask`
    /// allows from any thread while the task lives.
    private struct Parked: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private let down = Atomic<Bool>(false)
    private let waiting = Mutex(Waiting())
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
            endWaits()
        }
        return DatabaseError.unavailable("the database does not answer")
    }

    /// Runs `lease` (a pooled connection's use, which calls `granted` as the pool hands it the
    /// connection) in a child task, so that the outage can end its wait for the connection by
    /// cancelling that task alone. A lease whose wait was ended throws `unavailable`.
    func leasing<T: Sendable>(_ lease: @Sendable (_ granted: () -> Void) async throws -> T) async throws -> T {
        // `async let`: a child task allocated with its parent's, cheaper than a group's.
        async let result = waitingLease(lease)
        return try await result
    }

    private func waitingLease<T: Sendable>(_ lease: @Sendable (_ granted: () -> Void) async throws -> T) async throws -> T {
        let ticket = park()
        do {
            let result = try await lease { [self] in granted(ticket) }
            _ = unpark(ticket)
            return result
        } catch {
            if unpark(ticket) { throw DatabaseError.unavailable("the database does not answer") }
            throw error
        }
    }

    /// Registers the current task as waiting for a connection; returns its ticket.
    private func park() -> UInt64 {
        withUnsafeCurrentTask { task in
            waiting.withLock { waiting in
                waiting.next += 1
                if waiting.tasks.isEmpty { waiting.progress = .now }
                if let task { waiting.tasks[waiting.next] = Parked(task: task) }
                return waiting.next
            }
        }
    }

    /// `ticket`'s lease has its connection.
    private func granted(_ ticket: UInt64) {
        waiting.withLock { waiting in
            if waiting.tasks.removeValue(forKey: ticket) != nil { waiting.progress = .now }
        }
    }

    /// Takes `ticket` off the waiting as its lease ends; returns whether the outage ended its wait.
    private func unpark(_ ticket: UInt64) -> Bool {
        waiting.withLock { waiting in
            waiting.tasks.removeValue(forKey: ticket)
            return waiting.ended.remove(ticket) != nil
        }
    }

    /// Ends the waits of the leases waiting now: the server is down.
    private func endWaits() {
        waiting.withLock { waiting in
            for (ticket, parked) in waiting.tasks {
                parked.task.cancel()
                waiting.ended.insert(ticket)
            }
            waiting.tasks.removeAll()
        }
    }

    /// Whether leases have waited `stuckAfter` with none handed out.
    private var stuck: Bool {
        waiting.withLock { !$0.tasks.isEmpty && ContinuousClock.now - $0.progress > Self.stuckAfter }
    }

    /// Probes while the server is down, or while leases wait and none is handed out, until
    /// cancelled. While it is down, it also ends the waits of leases that began just as it went.
    func watch() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: Self.probeInterval) } catch { return }
            let isDown = down.load(ordering: .relaxed)
            guard isDown || stuck, let configuration = try? SQLPostgresConfiguration(url: url).coreConfiguration else { continue }
            if isDown { endWaits() }
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(configuration: configuration, id: -1, logger: logger)
            } catch {
                // Refused or lost: marks the server down (and ends the waits) if it was not yet.
                _ = translate(error)
                continue
            }
            let answered = (try? await connection.query("SELECT 1", logger: logger)) != nil
            try? await connection.close()
            if answered, down.exchange(false, ordering: .relaxed) {
                logger.notice("PostgreSQL answers again")
            }
        }
    }

    /// The connection went or could not be made: SQLSTATE classes 08 (connection exception) and
    /// 57 (operator intervention: the server shutting down, or not yet accepting connections),
    /// or the pool gave up opening connections.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        // PostgresStatementDatabase refuses a statement on a connection that has closed.
        if case DatabaseError.unavailable = error { return true }
        if let error = error as? _ConnectionPoolModule.ConnectionPoolError { return error == .connectionCreationCircuitBreakerTripped }
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
