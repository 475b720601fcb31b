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
    /// Finds the job already holding a unique key, concurrent look-ups sharing one read.
    let activeJobs: ActiveJobLookup
    /// The jobs with a unique key this process's worker is running.
    let held = HeldUniqueJobs()

    public init(database: Database, registry: JobRegistry, signal: WakeSignal = WakeSignal()) {
        self.database = database
        self.registry = registry
        self.signal = signal
        self.batcher = EnqueueBatcher(database: database)
        self.activeJobs = ActiveJobLookup(database: database)
    }

    /// Durable once this returns: the job row is committed. A job with a unique key that matches a
    /// queued or running job returns that job instead (`created` is false).
    public func enqueue(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) {
        // A job already holding the unique key is found without queueing for the writer: when
        // this process runs it, with no read at all; otherwise on a reader, concurrent look-ups
        // sharing reads. If it ends between the look-up and the answer, the caller sees it as it
        // was, as with the write path.
        if let key = job.uniqueKey {
            if let running = held.job(uniqueKey: key) { return (running, false) }
            if let active = try await activeJobs.active(uniqueKey: key) { return (active, false) }
        }
        let ready = prepared(job)
        let result = batcher.isRunning
            ? try await batcher.enqueue(ready)
            : try await database.writeStatement { try await JobQueries.enqueue([ready], now: Timestamp.microsecondsNow(), on: $0)[0] }
        if result.created {
            signal.notify()
            JobMetrics.changed(kind: result.job.kind, to: result.job.state)
        }
        return result
    }

    /// Enqueues many jobs in one transaction and one INSERT (see `JobQueries.enqueue(_:now:on:)`),
    /// durable once this returns; answers one result per job, in their order, unique keys as the
    /// single enqueue treats them. For backlogs and fan-out: each call commits once whatever its
    /// size, so callers with very many jobs pass them in chunks of some thousands to keep each
    /// transaction (on SQLite, the write lock) short.
    public func enqueue(_ jobs: [NewJob]) async throws -> [(job: JobRecord, created: Bool)] {
        guard !jobs.isEmpty else { return [] }
        let ready = jobs.map(prepared)
        let results = try await database.writeStatement { try await JobQueries.enqueue(ready, now: Timestamp.microsecondsNow(), on: $0) }
        let created = results.filter(\.created).map(\.job)
        if !created.isEmpty { signal.notify() }
        JobMetrics.entered(created)
        return results
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
    /// On shutdown, how long running jobs get to finish before they are stopped and put back in
    /// the queue, their attempt not counted. Half the process's 10 s shutdown grace, so they are
    /// put back while the database is still open rather than cancelled with it.
    public var stopGrace = Duration.seconds(5)
    /// Finished jobs are deleted after this long.
    public var retention = Duration.seconds(7 * 24 * 3600)
    /// Unique per process: it marks the jobs this process holds.
    public var name = "\(Self.processTag)-\(UUID().uuidString.prefix(8))"

    public init() {}

    // Looked up once per process: it doesn't change, and each lookup is a system call.
    private static let processTag = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
}
