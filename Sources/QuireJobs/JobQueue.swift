import Foundation
import QuireStore

/// Enqueues jobs and wakes this process's idle workers at once; workers in other processes are
/// woken by PostgreSQL's NOTIFY, sent in the enqueueing transaction.
public struct JobQueue: Sendable {
    public let database: Database
    public let registry: JobRegistry
    public let signal: WakeSignal
    /// Shares commits between concurrent enqueues while it runs as a service.
    public let batcher: EnqueueBatcher

    public init(database: Database, registry: JobRegistry, signal: WakeSignal = WakeSignal()) {
        self.database = database
        self.registry = registry
        self.signal = signal
        self.batcher = EnqueueBatcher(database: database)
    }

    /// Durable once this returns: the job row is committed. A job with a unique key that matches a
    /// queued or running job returns that job instead (`created` is false).
    public func enqueue(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) {
        // A job already holding the unique key is found on a reader, without queueing for the
        // writer: a repeated "start the nightly repair" answers as fast as a read. If it ends
        // between this read and the answer, the caller sees it as it was, as with the write path.
        if let key = job.uniqueKey, let active = try await database.read({ try await JobQueries.active(uniqueKey: key, on: $0) }) {
            return (active, false)
        }
        let ready = prepared(job)
        let result = batcher.isRunning
            ? try await batcher.enqueue(ready)
            : try await database.write { try await JobQueries.enqueue(ready, now: Timestamp.microsecondsNow(), on: $0) }
        if result.created {
            signal.notify()
            JobMetrics.changed(kind: result.job.kind, to: result.job.state)
        }
        return result
    }

    /// The job with its kind's attempt limit, unless the caller chose one.
    func prepared(_ job: NewJob) -> NewJob {
        var job = job
        if job.maxAttempts == nil { job.maxAttempts = registry[job.kind]?.maxAttempts }
        return job
    }

    public func cancel(_ id: Int64) async throws -> JobRecord? {
        let cancelled = try await database.write { try await JobQueries.cancel(id: id, now: Timestamp.microsecondsNow(), on: $0) }
        // A running job is counted when its worker stops it.
        if let cancelled, cancelled.cancelledNow { JobMetrics.changed(kind: cancelled.job.kind, to: .cancelled) }
        return cancelled?.job
    }

    public func retry(_ id: Int64) async throws -> JobRecord? {
        let retried = try await database.write { try await JobQueries.retry(id: id, now: Timestamp.microsecondsNow(), on: $0) }
        signal.notify()
        if let retried, retried.requeued { JobMetrics.changed(kind: retried.job.kind, to: .queued) }
        return retried?.job
    }
}

/// How a worker runs.
public struct WorkerConfiguration: Sendable {
    /// Jobs run at once in this process; 0 turns the worker off.
    public var concurrency = 10
    /// How often an idle worker looks for work when nothing woke it (SQLite across processes,
    /// scheduled retries coming due, a missed NOTIFY).
    public var pollInterval = Duration.milliseconds(200)
    /// How often an idle SQLite worker peeks for jobs enqueued by another process.
    public var peekInterval = Duration.milliseconds(5)
    public var heartbeatInterval = Duration.seconds(1)
    /// A running job whose worker has not heartbeated for this long goes back to the queue.
    public var rescueAfter = Duration.seconds(30)
    /// Finished jobs are deleted after this long.
    public var retention = Duration.seconds(7 * 24 * 3600)
    /// Unique per process: it marks the jobs this process holds.
    public var name = "\(Self.processTag)-\(UUID().uuidString.prefix(8))"

    public init() {}

    // Looked up once per process: it doesn't change, and each lookup is a system call.
    private static let processTag = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
}
