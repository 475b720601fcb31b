import SQLKit

/// Where a batch job got to: its phase and the last id of its last committed batch.
public struct JobCursor: Sendable, Equatable {
    public let phase: String
    public let afterID: Int64
    /// Rows done so far in the whole run, for progress.
    public let done: Int64

    public init(phase: String, afterID: Int64, done: Int64) {
        self.phase = phase
        self.afterID = afterID
        self.done = done
    }
}

/// One cursor row per job kind in `job_cursors`. A job saves its cursor in the transaction of the
/// batch it follows, so the cursor never runs ahead of what is written; a retried attempt of the
/// same job (same job id, after a crash or a rescue) goes on from it, and any other job of the kind
/// starts from the beginning.
public enum JobCursorQueries {
    /// The cursor job `jobID` left, or nil when the row belongs to another job or there is none.
    public static func find(kind: String, jobID: Int64, on db: any SQLDatabase) async throws -> JobCursor? {
        guard let row = try await db.raw("""
            SELECT phase, after_id, done FROM job_cursors WHERE kind = \(bind: kind) AND job_id = \(bind: jobID)
            """).first() else { return nil }
        return JobCursor(
            phase: try row.decode(column: "phase", as: String.self), afterID: try row.decode(column: "after_id", as: Int64.self),
            done: try row.decode(column: "done", as: Int64.self))
    }

    public static func save(kind: String, jobID: Int64, _ cursor: JobCursor, now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO job_cursors (kind, job_id, phase, after_id, done, updated_at)
            VALUES (\(bind: kind), \(bind: jobID), \(bind: cursor.phase), \(bind: cursor.afterID), \(bind: cursor.done), \(bind: now))
            ON CONFLICT (kind) DO UPDATE SET job_id = excluded.job_id, phase = excluded.phase, after_id = excluded.after_id,
                done = excluded.done, updated_at = excluded.updated_at
            """).run()
    }
}
