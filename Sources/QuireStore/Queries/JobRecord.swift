import SQLKit

/// Where a job is in its life. `failed` waits for a retry at `run_after`; `discarded` has no
/// attempts left or failed permanently.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, scheduled, running, succeeded, failed, cancelled, discarded

    public var isFinished: Bool { [.succeeded, .cancelled, .discarded].contains(self) }
    static let claimable = "('queued', 'scheduled', 'failed')"
    static let active = "('queued', 'scheduled', 'failed', 'running')"
}

public struct JobRecord: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let args: String
    public let state: JobState
    public let priority: Int
    public let attempts: Int
    public let maxAttempts: Int
    public let runAfter: Int64
    public private(set) var progressDone: Int64?
    public private(set) var progressTotal: Int64?
    public private(set) var progressMessage: String?
    public let result: String?
    public let lastError: String?
    public let uniqueKey: String?
    public let ownerID: Int64?
    public let worker: String?
    public let heartbeatAt: Int64?
    public let cancelRequested: Bool
    public let createdAt: Int64
    public let startedAt: Int64?
    public let finishedAt: Int64?
    public private(set) var updatedAt: Int64

    /// The record as a progress write (`JobQueries.progress`) at `now` leaves it.
    public func progressed(done: Int64, total: Int64?, message: String?, now: Int64) -> JobRecord {
        var copy = self
        (copy.progressDone, copy.progressTotal, copy.progressMessage, copy.updatedAt) = (done, total, message, now)
        return copy
    }

    static let columns = """
        id, kind, args, state, priority, attempts, max_attempts, run_after, progress_done, progress_total, progress_message,
        result, last_error, unique_key, owner_id, worker, heartbeat_at, cancel_requested, created_at, started_at, finished_at, updated_at
        """

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        kind = try row.decode(column: "kind", as: String.self)
        args = try row.decode(column: "args", as: String.self)
        state = JobState(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed
        priority = try row.decode(column: "priority", as: Int.self)
        attempts = try row.decode(column: "attempts", as: Int.self)
        maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
        runAfter = try row.decode(column: "run_after", as: Int64.self)
        progressDone = try row.decodeUnlessNull(column: "progress_done", as: Int64.self)
        progressTotal = try row.decodeUnlessNull(column: "progress_total", as: Int64.self)
        progressMessage = try row.decodeUnlessNull(column: "progress_message", as: String.self)
        result = try row.decodeUnlessNull(column: "result", as: String.self)
        lastError = try row.decodeUnlessNull(column: "last_error", as: String.self)
        uniqueKey = try row.decodeUnlessNull(column: "unique_key", as: String.self)
        ownerID = try row.decodeUnlessNull(column: "owner_id", as: Int64.self)
        worker = try row.decodeUnlessNull(column: "worker", as: String.self)
        heartbeatAt = try row.decodeUnlessNull(column: "heartbeat_at", as: Int64.self)
        cancelRequested = try row.decode(column: "cancel_requested", as: Bool.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        startedAt = try row.decodeUnlessNull(column: "started_at", as: Int64.self)
        finishedAt = try row.decodeUnlessNull(column: "finished_at", as: Int64.self)
        updatedAt = try row.decode(column: "updated_at", as: Int64.self)
    }

    /// The columns a claim reads back: the six it has just written itself (`state`, `worker`,
    /// `heartbeat_at`, `started_at`, `updated_at`, and `finished_at`, NULL while a job can be
    /// claimed) are filled in by `init(claimedRow:worker:now:)` instead. A column of a PostgreSQL
    /// row decoded through SQLKit costs most of a microsecond, and claims decoded 22 a job: 17% of
    /// a `quire worker`'s CPU while it drained no-op jobs (perf, release build).
    static let claimedColumns = """
        id, kind, args, priority, attempts, max_attempts, run_after, progress_done, progress_total, progress_message,
        result, last_error, unique_key, owner_id, cancel_requested, created_at
        """

    /// A job as a claim by `worker` at `now` left it, from a row of `claimedColumns`.
    init(claimedRow row: any SQLRow, worker: String, now: Int64) throws {
        id = try row.decode(column: "id", as: Int64.self)
        kind = try row.decode(column: "kind", as: String.self)
        args = try row.decode(column: "args", as: String.self)
        state = .running
        priority = try row.decode(column: "priority", as: Int.self)
        attempts = try row.decode(column: "attempts", as: Int.self)
        maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
        runAfter = try row.decode(column: "run_after", as: Int64.self)
        progressDone = try row.decodeUnlessNull(column: "progress_done", as: Int64.self)
        progressTotal = try row.decodeUnlessNull(column: "progress_total", as: Int64.self)
        progressMessage = try row.decodeUnlessNull(column: "progress_message", as: String.self)
        result = try row.decodeUnlessNull(column: "result", as: String.self)
        lastError = try row.decodeUnlessNull(column: "last_error", as: String.self)
        uniqueKey = try row.decodeUnlessNull(column: "unique_key", as: String.self)
        ownerID = try row.decodeUnlessNull(column: "owner_id", as: Int64.self)
        self.worker = worker
        heartbeatAt = now
        cancelRequested = try row.decode(column: "cancel_requested", as: Bool.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        (startedAt, finishedAt, updatedAt) = (now, nil, now)
    }
}

extension JobRecord {
    /// The row an INSERT of `job` with id `id` at `now` wrote (the columns it leaves to their
    /// defaults included), so a batch enqueue reads back only ids: decoding every column of
    /// thousands of rows took longer than inserting them.
    init(inserted job: NewJob, id: Int64, now: Int64) {
        self.id = id
        (kind, args, priority) = (job.kind, job.args, job.priority)
        runAfter = job.runAfter ?? now
        state = runAfter > now ? .scheduled : .queued
        (attempts, maxAttempts) = (0, job.maxAttempts ?? NewJob.defaultMaxAttempts)
        (progressDone, progressTotal, progressMessage, result, lastError) = (nil, nil, nil, nil, nil)
        (uniqueKey, ownerID, worker, heartbeatAt, cancelRequested) = (job.uniqueKey, job.ownerID, nil, nil, false)
        (createdAt, startedAt, finishedAt, updatedAt) = (now, nil, nil, now)
    }
}

extension SQLRow {
    /// nil for NULL without going through the driver's decoding: for PostgreSQL rows a decode of
    /// an Optional takes its slowest path (dynamic casts, a coding path built per column), and
    /// most of a job's optional columns are NULL.
    func decodeUnlessNull<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}

public struct NewJob: Sendable {
    public var kind: String
    public var args: String
    public var priority = 0
    /// nil takes the kind's limit (or `defaultMaxAttempts` for a kind the queue doesn't know).
    public var maxAttempts: Int?
    public static let defaultMaxAttempts = 5
    /// Unix microseconds; nil runs it now.
    public var runAfter: Int64?
    public var uniqueKey: String?
    public var ownerID: Int64?

    public init(kind: String, args: String = "{}") {
        self.kind = kind
        self.args = args
    }
}
