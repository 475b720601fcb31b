import Foundation
import SQLKit

extension JobQueries {
    /// Enqueues `jobs` in one INSERT, whatever their number, and returns one answer per job in
    /// their order: the job created, or (`created` false) the queued or running job already
    /// holding its unique key, which a later job in the same batch with an earlier one's key
    /// also gets.
    ///
    /// The rows travel as one JSON array bound as a single parameter (`json_to_recordset` on
    /// PostgreSQL, `json_each` on SQLite) rather than as a multi-row VALUES list: the statement's
    /// text is the same for any batch, and no batch runs into the engines' bound-parameter limits
    /// (SQLite 32,766; PostgreSQL 65,535, nine a job). On PostgreSQL the NOTIFY that wakes other
    /// processes' workers rides in the same statement, sent once however many jobs it inserts.
    public static func enqueue(_ jobs: [NewJob], now: Int64, on db: any SQLDatabase) async throws -> [(job: JobRecord, created: Bool)] {
        guard !jobs.isEmpty else { return [] }
        let rows = String(decoding: try JSONEncoder().encode(jobs.map { BatchRow($0, now: now) }), as: UTF8.self)
        let insertedRows: [any SQLRow]
        if db.isPostgres {
            insertedRows = try await db.raw("""
                WITH inserted AS (
                    INSERT INTO jobs (kind, args, state, priority, max_attempts, run_after, unique_key, owner_id, created_at, updated_at)
                    SELECT kind, args, state, priority, max_attempts, run_after, unique_key, owner_id, \(bind: now), \(bind: now)
                    FROM json_to_recordset(\(bind: rows)::json)
                        AS t(kind text, args text, state text, priority int, max_attempts int, run_after bigint, unique_key text, owner_id bigint)
                    ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN \(unsafeRaw: JobState.active) DO NOTHING
                    RETURNING id, unique_key)
                SELECT id, unique_key, (SELECT pg_notify(\(bind: channel), '')) AS notified FROM inserted
                """).all()
        } else {
            // `WHERE true`: without it SQLite would read ON CONFLICT as a join's ON.
            insertedRows = try await db.raw("""
                INSERT INTO jobs (kind, args, state, priority, max_attempts, run_after, unique_key, owner_id, created_at, updated_at)
                SELECT json_extract(value, '$.kind'), json_extract(value, '$.args'), json_extract(value, '$.state'),
                    json_extract(value, '$.priority'), json_extract(value, '$.max_attempts'), json_extract(value, '$.run_after'),
                    json_extract(value, '$.unique_key'), json_extract(value, '$.owner_id'), \(bind: now), \(bind: now)
                FROM json_each(\(bind: rows)) WHERE true
                ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN \(unsafeRaw: JobState.active) DO NOTHING
                RETURNING id, unique_key
                """).all()
        }
        // Ids are handed out in the order the rows are inserted, which is the batch's order;
        // RETURNING's own order is not promised by either engine. Only ids come back: a created
        // job's other columns are what was inserted.
        let inserted = try insertedRows.map { (id: try $0.decode(column: "id", as: Int64.self), key: try $0.decodeUnlessNull(column: "unique_key", as: String.self)) }
            .sorted { $0.id < $1.id }
        var plain = inserted.filter { $0.key == nil }.map(\.id)[...]
        var createdByKey = Dictionary(inserted.compactMap { row in row.key.map { ($0, row.id) } }, uniquingKeysWith: { first, _ in first })
        let skippedKeys = Set(jobs.compactMap(\.uniqueKey)).subtracting(createdByKey.keys)
        let existing = try await active(uniqueKeys: skippedKeys.sorted(), on: db)
        var answerByKey = Dictionary(existing.compactMap { job in job.uniqueKey.map { ($0, (job: job, created: false)) } }, uniquingKeysWith: { first, _ in first })
        return try jobs.map { job -> (job: JobRecord, created: Bool) in
            guard let key = job.uniqueKey else {
                guard let id = plain.popFirst() else { throw DatabaseError.unavailable("batch enqueue returned too few jobs") }
                return (JobRecord(inserted: job, id: id, now: now), true)
            }
            if let answer = answerByKey[key] { return answer }
            // The first job with this key in the batch created it; any later one gets it.
            guard let id = createdByKey.removeValue(forKey: key) else { throw DatabaseError.unavailable("enqueue returned no job") }
            let created = JobRecord(inserted: job, id: id, now: now)
            answerByKey[key] = (created, false)
            return (created, true)
        }
    }

    /// A job as one element of the batch's JSON array.
    private struct BatchRow: Encodable {
        let kind: String
        let args: String
        let state: String
        let priority: Int
        let maxAttempts: Int
        let runAfter: Int64
        let uniqueKey: String?
        let ownerId: Int64?

        init(_ job: NewJob, now: Int64) {
            let runAfter = job.runAfter ?? now
            (kind, args, priority, maxAttempts) = (job.kind, job.args, job.priority, job.maxAttempts ?? NewJob.defaultMaxAttempts)
            (self.runAfter, uniqueKey, ownerId) = (runAfter, job.uniqueKey, job.ownerID)
            state = (runAfter > now ? JobState.scheduled : .queued).rawValue
        }

        enum CodingKeys: String, CodingKey {
            case kind, args, state, priority
            case maxAttempts = "max_attempts", runAfter = "run_after", uniqueKey = "unique_key", ownerId = "owner_id"
        }

        // Optionals are written as null, not left out, so both engines read every key.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(args, forKey: .args)
            try container.encode(state, forKey: .state)
            try container.encode(priority, forKey: .priority)
            try container.encode(maxAttempts, forKey: .maxAttempts)
            try container.encode(runAfter, forKey: .runAfter)
            try container.encode(uniqueKey, forKey: .uniqueKey)
            try container.encode(ownerId, forKey: .ownerId)
        }
    }
}
