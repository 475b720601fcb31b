import NIOCore
import Synchronization

/// Runs a task's jobs on one NIO event loop, for `withTaskExecutorPreference`.
///
/// SQLite's write transactions run on it (`SQLiteConnections.writer`'s executor): a transaction holds
/// the database's only write lock from BEGIN to COMMIT, and between its statements its task used
/// to wait in the global executor's queue behind every request's task. Under the mixed load of
/// scripts/bench (64 connections, 10% writes, 2 cores) each of a write's 9 or 10 statements then
/// took about 0.7 ms, the lock was held about 7 ms a write, and writes queued behind it for 290 ms
/// on average. On the writer connection's own loop, where its statements also run
/// (`SQLiteHandle`), the transaction's task resumes at once. The bulk connection has a loop of
/// its own too (`SQLiteConnections.bulk`).
///
/// PostgreSQL's statements start on their connection's loop (`PostgresStatementDatabase`, through
/// `of`): PostgresNIO hands a query to its channel with `channel.write(_, promise: nil)`, and
/// written from another thread the write is queued on the loop; if the server closed the
/// connection in between, NIO drops the write at the end of the torn-down pipeline and the
/// query's promise is never completed. A request then waited forever (scripts/db-fault, 4 runs in
/// 60 under load: a write in flight when PostgreSQL stopped never answered; 0 in 60 since). On the
/// loop, the check that the connection is open and the write are one step no close comes between.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// The shared executor of `loop`, made on first use: PostgreSQL's connections share a few
    /// loops that live as long as the process.
    static func of(_ loop: any EventLoop) -> EventLoopTaskExecutor {
        let key = ObjectIdentifier(loop)
        return shared.withLock { shared in
            if let executor = shared[key] { return executor }
            let executor = EventLoopTaskExecutor(loop)
            shared[key] = executor
            return executor
        }
    }

    private static let shared = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])
}
