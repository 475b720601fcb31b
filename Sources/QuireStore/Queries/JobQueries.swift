import SQLKit

/// The queue's statements. Claims take several ready jobs in one statement (`FOR UPDATE SKIP
/// LOCKED` on PostgreSQL, so workers in several processes never wait on each other's rows; one
/// short write transaction on SQLite). Every worker-side write names the worker, so a job that
/// was rescued from a dead worker and handed to another can't be finished by the first.
public enum JobQueries {
    /// NOTIFY channel that wakes idle PostgreSQL workers the moment a job is enqueued.
    public static let channel = "quire_jobs"

    /// Enqueues `job`, or returns the queued or running job with the same unique key instead.
    public static func enqueue(_ job: NewJob, now: Int64, on db: any SQLDatabase) async throws -> (job: JobRecord, created: Bool) {
        let runAfter = job.runAfter ?? now
        let state: JobState = runAfter > now ? .scheduled : .queued
        // On PostgreSQL the NOTIFY that wakes idle workers is part of the INSERT's statement, as
        // in the batch enqueue: sent as a statement of its own after an autocommitted INSERT it
        // was a second round trip and a second transaction for every enqueue. The scalar
        // sub-select runs once, and only if a row was inserted.
        let insert: SQLQueryString = """
            INSERT INTO jobs (kind, args, state, priority, max_attempts, run_after, unique_key, owner_id, created_at, updated_at)
            VALUES (\(bind: job.kind), \(bind: job.args), \(bind: state.rawValue), \(bind: job.priority), \(bind: job.maxAttempts ?? NewJob.defaultMaxAttempts),
                    \(bind: runAfter), \(bind: job.uniqueKey), \(bind: job.ownerID), \(bind: now), \(bind: now))
            ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN \(unsafeRaw: JobState.active) DO NOTHING
            RETURNING id
            """
        let statement: SQLQueryString = db.isPostgres
            ? "WITH inserted AS (\(insert)) SELECT id, (SELECT pg_notify(\(bind: channel), '')) AS notified FROM inserted"
            : insert
        // Only the id comes back: the rest of a created job is what was inserted.
        if let row = try await db.raw(statement).first() {
            return (JobRecord(inserted: job, id: try row.decode(column: "id", as: Int64.self), now: now), true)
        }
        guard let key = job.uniqueKey, let existing = try await db.raw("""
            SELECT \(unsafeRaw: JobRecord.columns) FROM jobs WHERE unique_key = \(bind: key) AND state IN \(unsafeRaw: JobState.active)
            """).first() else { throw DatabaseError.unavailable("enqueue returned no job") }
        return (try JobRecord(row: existing), false)
    }

    /// The queued, scheduled or running jobs holding any of `uniqueKeys` (at most one each),
    /// through the partial unique index the enqueue's ON CONFLICT relies on.
    public static func active(uniqueKeys: [String], on db: any SQLDatabase) async throws -> [JobRecord] {
        guard !uniqueKeys.isEmpty else { return [] }
        return try await db.raw("""
            SELECT \(unsafeRaw: JobRecord.columns) FROM jobs WHERE unique_key IN (\(binds: uniqueKeys)) AND state IN \(unsafeRaw: JobState.active)
            """).all().map(JobRecord.init)
    }

    /// Marks up to `limit` ready jobs running for `worker` and returns them, best first.
    ///
    /// On PostgreSQL the ids are picked in a MATERIALIZED CTE with `FOR UPDATE SKIP LOCKED`, as
    /// graphile-worker and River do: written as `UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED)`
    /// two claimers measured spinning at full CPU for minutes, the sub-select being re-run while
    /// rechecking concurrently locked rows.
    ///
    /// On PostgreSQL the claim commits without waiting for its WAL to reach the disk
    /// (`synchronous_commit` off for its own transaction only, set inside the statement so that it
    /// stays one round trip). A worker waits for its claim before it can start anything, so each
    /// flush stalled the whole worker: about a millisecond a claim, and 200-300 ms now and then on a
    /// busy disk. Nothing acknowledged to anyone hangs on a claim: if the server crashes before the
    /// claim reaches the disk, the job is simply queued again, as when a worker dies, and a
    /// worker's later success can't be recorded for it (every worker-side write checks the job is
    /// still `running` for that worker). The success itself commits synchronously, and flushing
    /// it flushes the claim before it. Draining no-op jobs with one worker on a loaded 2-core
    /// machine: 2,743-3,286 jobs/s with every commit flushed, 4,626-4,968 with none.
    ///
    /// On PostgreSQL the picked ids reach the UPDATE as one array (`id = ANY (ARRAY(...))`), which
    /// the planner always answers with the primary key, and the `set_config` is a scalar sub-select
    /// it evaluates once. Written as `id IN (SELECT id FROM picked) AND set_config(...)`, the
    /// planner, on statistics taken while the table was nearly empty, joined the picked ids to a
    /// sequential scan of every row, finished ones included, and called `set_config` on each:
    /// 3 to 6 ms a claim with 1,000 to 1,400 rows, which put the enqueue-to-start p99 at 7 to 9 ms
    /// at 1,000 jobs/s (0.28 ms with the array, the same 5,000 rows).
    public static func claim(worker: String, limit: Int, now: Int64, on db: any SQLDatabase) async throws -> [JobRecord] {
        let lock = db.isPostgres ? "FOR UPDATE SKIP LOCKED" : ""
        let pickedIDs = db.isPostgres
            ? "id = ANY (ARRAY(SELECT id FROM picked)) AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL"
            : "id IN (SELECT id FROM picked)"
        return try await db.raw("""
            WITH picked AS MATERIALIZED (
                SELECT id FROM jobs \(unsafeRaw: readyIndex(db)) WHERE state IN \(unsafeRaw: JobState.claimable) AND run_after <= \(bind: now)
                ORDER BY priority DESC, run_after, id LIMIT \(bind: limit) \(unsafeRaw: lock))
            UPDATE jobs SET state = 'running', attempts = attempts + 1, worker = \(bind: worker), heartbeat_at = \(bind: now),
                started_at = \(bind: now), updated_at = \(bind: now)
            WHERE \(unsafeRaw: pickedIDs)
            RETURNING \(unsafeRaw: JobRecord.claimedColumns)
            """).all().map { try JobRecord(claimedRow: $0, worker: worker, now: now) }.sorted { ($0.priority, -$0.runAfter, -$0.id) > ($1.priority, -$1.runAfter, -$1.id) }
    }

    /// Whether any job is ready to claim: one index probe, for idle SQLite workers to peek with.
    public static func hasReadyJobs(now: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM jobs \(unsafeRaw: readyIndex(db)) WHERE state IN \(unsafeRaw: JobState.claimable) AND run_after <= \(bind: now)
            ORDER BY priority DESC, run_after, id LIMIT 1
            """).first() != nil
    }

    /// On SQLite, `jobs_ready` named outright: without statistics (a new database; nothing runs
    /// ANALYZE) SQLite's planner chose `jobs_state` and a temporary sort of every ready job, a
    /// cost that grows with the backlog. PostgreSQL picks the index by itself.
    static func readyIndex(_ db: any SQLDatabase) -> String {
        db.isPostgres ? "" : "INDEXED BY jobs_ready"
    }

    /// Records many successes without results in one statement: the common case of a busy queue.
    /// Returns the kinds of the jobs it marked, one per job (for the metrics).
    @discardableResult
    public static func succeed(ids: [Int64], worker: String, now: Int64, on db: any SQLDatabase) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw("""
            UPDATE jobs SET state = 'succeeded', finished_at = \(bind: now), updated_at = \(bind: now), heartbeat_at = NULL
            WHERE id IN (\(binds: ids)) AND worker = \(bind: worker) AND state = 'running'
            RETURNING kind
            """).all().map { try $0.decode(column: "kind", as: String.self) }
    }

    /// Records how one attempt ended; false when the job was no longer this worker's to finish.
    @discardableResult
    public static func finish(
        id: Int64, worker: String, state: JobState, result: String? = nil, error: String? = nil, runAfter: Int64? = nil,
        uncountAttempt: Bool = false, now: Int64, on db: any SQLDatabase
    ) async throws -> Bool {
        try await db.raw("""
            UPDATE jobs SET state = \(bind: state.rawValue), result = coalesce(\(bind: result), result),
                attempts = attempts - \(bind: uncountAttempt ? 1 : 0),
                last_error = coalesce(\(bind: error), last_error), run_after = coalesce(\(bind: runAfter), run_after),
                finished_at = \(bind: state.isFinished ? now : nil as Int64?), updated_at = \(bind: now), heartbeat_at = NULL
            WHERE id = \(bind: id) AND worker = \(bind: worker) AND state = 'running'
            RETURNING id
            """).first() != nil
    }

    public static func progress(id: Int64, worker: String, done: Int64, total: Int64?, message: String?, now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE jobs SET progress_done = \(bind: done), progress_total = \(bind: total), progress_message = \(bind: message),
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND worker = \(bind: worker) AND state = 'running'
            """).run()
    }

    /// Keeps `worker`'s running jobs alive; returns their ids, and those whose cancellation was asked for.
    public static func heartbeat(worker: String, now: Int64, on db: any SQLDatabase) async throws -> (held: [Int64], cancelled: [Int64]) {
        let rows = try await db.raw("""
            UPDATE jobs SET heartbeat_at = \(bind: now) WHERE worker = \(bind: worker) AND state = 'running'
            RETURNING id, cancel_requested
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "cancel_requested", as: Bool.self)) }
        return (rows.map(\.0), rows.filter(\.1).map(\.0))
    }

    /// Jobs whose worker stopped heartbeating (the process died) go back to the queue, or are
    /// discarded when that was their last attempt. Returns each one's kind and new state.
    public static func rescue(staleBefore: Int64, now: Int64, on db: any SQLDatabase) async throws -> [(kind: String, state: JobState)] {
        try await db.raw("""
            UPDATE jobs SET
                state = CASE WHEN cancel_requested THEN 'cancelled' WHEN attempts >= max_attempts THEN 'discarded' ELSE 'queued' END,
                finished_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN \(bind: now) ELSE NULL END,
                last_error = 'the worker running it stopped responding', worker = NULL, heartbeat_at = NULL, updated_at = \(bind: now)
            WHERE state = 'running' AND heartbeat_at < \(bind: staleBefore)
            RETURNING kind, state
            """).all().map { row in
                (try row.decode(column: "kind", as: String.self), JobState(rawValue: try row.decode(column: "state", as: String.self)) ?? .queued)
            }
    }

    /// Cancels a job that has not finished: at once when it waits, at its next checkpoint when it runs.
    /// Returns the job and whether this call cancelled it (a waiting job); nil when there is none.
    public static func cancel(id: Int64, now: Int64, on db: any SQLDatabase) async throws -> (job: JobRecord, cancelledNow: Bool)? {
        if let row = try await db.raw("""
            UPDATE jobs SET
                state = CASE WHEN state = 'running' THEN 'running' ELSE 'cancelled' END,
                cancel_requested = \(bind: true),
                finished_at = CASE WHEN state = 'running' THEN finished_at ELSE \(bind: now) END,
                updated_at = \(bind: now)
            WHERE id = \(bind: id) AND state IN \(unsafeRaw: JobState.active)
            RETURNING \(unsafeRaw: JobRecord.columns)
            """).first() {
            let job = try JobRecord(row: row)
            return (job, job.state == .cancelled)
        }
        return try await find(id, on: db).map { ($0, false) }
    }

    /// Puts a finished or failed job back in the queue with fresh attempts. Returns the job and
    /// whether this call queued it again; nil when there is none.
    public static func retry(id: Int64, now: Int64, on db: any SQLDatabase) async throws -> (job: JobRecord, requeued: Bool)? {
        let requeued = try await db.raw("""
            UPDATE jobs SET state = 'queued', attempts = 0, run_after = \(bind: now), cancel_requested = \(bind: false),
                finished_at = NULL, worker = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: id) AND state IN ('failed', 'cancelled', 'discarded')
            RETURNING id
            """).first() != nil
        if db.isPostgres { try await db.raw("SELECT pg_notify(\(bind: channel), '')").run() }
        return try await find(id, on: db).map { ($0, requeued) }
    }

    /// Jobs ready to run now (waiting and due), for the queue depth gauge. It reads only waiting
    /// jobs' index entries (an index-only scan of `jobs_ready` on PostgreSQL; SQLite's planner
    /// walks `jobs_ready` or `jobs_state`), and stops at `limit`, so a huge backlog still costs a
    /// bounded read.
    public static func readyCount(now: Int64, limit: Int, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("""
            SELECT count(*) AS n FROM (
                SELECT id FROM jobs WHERE state IN \(unsafeRaw: JobState.claimable) AND run_after <= \(bind: now) LIMIT \(bind: limit)
            ) ready
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> JobRecord? {
        try await db.raw("SELECT \(unsafeRaw: JobRecord.columns) FROM jobs WHERE id = \(bind: id)").first().map(JobRecord.init)
    }

    /// A page of jobs, newest first: one owner's through `jobs_owner`, or everyone's for administrators.
    public static func list(ownerID: Int64?, state: JobState?, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [JobRecord] {
        let query = db.select().column(SQLRaw(JobRecord.columns)).from("jobs")
            .where("id", .lessThan, before ?? Int64.max)
        if let ownerID { query.where("owner_id", .equal, ownerID) }
        if let state { query.where("state", .equal, state.rawValue) }
        return try await query.orderBy("id", .descending).limit(limit).all().map(JobRecord.init)
    }

    /// Deletes up to `limit` jobs that finished before `before`; returns how many.
    ///
    /// On PostgreSQL the ids are gathered first, once (an InitPlan), and the rows found by them:
    /// no join of the table to itself for the planner to choose on statistics. Planned on
    /// statistics taken while the table was nearly empty, the `IN (SELECT ...)` form became a
    /// nested loop scanning every job for each job: after the large benchmark's 68,000 noop jobs
    /// one prune statement ran for at least 8 minutes at 70% of a core (as the claim once did: its
    /// `picked` ids are gathered the same way).
    public static func prune(before: Int64, limit: Int, on db: any SQLDatabase) async throws -> Int {
        let finished = SQLQueryString("""
            SELECT id FROM jobs WHERE state IN ('succeeded', 'cancelled', 'discarded') AND finished_at < \(bind: before)
            LIMIT \(bind: limit)
            """)
        let ids: SQLQueryString = db.isPostgres ? "id = ANY (ARRAY(\(finished)))" : "id IN (\(finished))"
        return try await db.raw("DELETE FROM jobs WHERE \(ids) RETURNING id").all().count
    }

    /// Claims the run of periodic job `name` for the period starting at `periodStart`; only one
    /// process across all of them gets true.
    public static func claimPeriod(name: String, periodStart: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            INSERT INTO periodic_runs (name, period_start) VALUES (\(bind: name), \(bind: periodStart))
            ON CONFLICT (name, period_start) DO NOTHING RETURNING name
            """).first() != nil
    }
}
