import NIOCore

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
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
