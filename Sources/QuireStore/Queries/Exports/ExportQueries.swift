import SQLKit

/// An account export: who asked, in which format, its job, and the file once it is whole.
public struct ExportRecord: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let format: String
    public let jobID: Int64
    /// Set only when the whole file is in place (relative to the exports folder); cleared when it expires.
    public let fileName: String?
    public let size: Int64?
    public let books: Int64?
    public let createdAt: Int64
    public let finishedAt: Int64?
    public let expiresAt: Int64?
    public let expiredAt: Int64?
    /// The job's state and progress, read in the same statement.
    public let jobState: JobState
    public let progressDone: Int64?
    public let progressTotal: Int64?

    static let columns = "e.id, e.user_id, e.format, e.job_id, e.file_name, e.size, e.books, e.created_at, e.finished_at, e.expires_at, e.expired_at, j.state, j.progress_done, j.progress_total"

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        userID = try row.decode(column: "user_id", as: Int64.self)
        format = try row.decode(column: "format", as: String.self)
        jobID = try row.decode(column: "job_id", as: Int64.self)
        fileName = try row.decode(column: "file_name", as: String?.self)
        size = try row.decode(column: "size", as: Int64?.self)
        books = try row.decode(column: "books", as: Int64?.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        finishedAt = try row.decode(column: "finished_at", as: Int64?.self)
        expiresAt = try row.decode(column: "expires_at", as: Int64?.self)
        expiredAt = try row.decode(column: "expired_at", as: Int64?.self)
        let state = try row.decode(column: "state", as: String.self)
        jobState = JobState(rawValue: state) ?? .failed
        progressDone = try row.decode(column: "progress_done", as: Int64?.self)
        progressTotal = try row.decode(column: "progress_total", as: Int64?.self)
    }

    /// What a reader sees: waiting, running, ready, failed, cancelled or expired.
    public var state: String {
        if expiredAt != nil { return "expired" }
        if fileName != nil { return "ready" }
        switch jobState {
        case .queued, .scheduled, .failed: return "waiting"
        case .running: return "running"
        case .succeeded, .discarded: return "failed"
        case .cancelled: return "cancelled"
        }
    }
}

/// The exports table. Every read starts from the owner through `exports_user`.
public enum ExportQueries {
    public static func create(userID: Int64, format: String, jobID: Int64, now: Int64, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO exports (user_id, format, job_id, created_at) VALUES (\(bind: userID), \(bind: format), \(bind: jobID), \(bind: now))
            RETURNING id
            """).first()
        guard let row else { throw DatabaseError.unavailable("inserting an export returned no row") }
        return try row.decode(column: "id", as: Int64.self)
    }

    /// Points the export at its job (the job's arguments name the export, so the row comes first).
    public static func attach(_ id: Int64, jobID: Int64, on db: any SQLDatabase) async throws {
        try await db.update("exports").set("job_id", to: jobID).where("id", .equal, id).run()
    }

    /// The owner's export, or nil when it is someone else's or doesn't exist.
    public static func find(_ id: Int64, userID: Int64, on db: any SQLDatabase) async throws -> ExportRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: ExportRecord.columns) FROM exports e JOIN jobs j ON j.id = e.job_id
            WHERE e.id = \(bind: id) AND e.user_id = \(bind: userID)
            """).first().map(ExportRecord.init)
    }

    /// The export a job writes (the job knows only the export's id).
    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> ExportRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: ExportRecord.columns) FROM exports e JOIN jobs j ON j.id = e.job_id WHERE e.id = \(bind: id)
            """).first().map(ExportRecord.init)
    }

    /// A page of the owner's exports, newest first.
    public static func list(userID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ExportRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: ExportRecord.columns) FROM exports e JOIN jobs j ON j.id = e.job_id
            WHERE e.user_id = \(bind: userID) AND e.id < \(bind: before ?? Int64.max)
            ORDER BY e.id DESC LIMIT \(bind: limit)
            """).all().map(ExportRecord.init)
    }

    /// When the owner's newest export that did not fail or get cancelled was asked for: one an
    /// interval, and an export that came to nothing doesn't count. Reads the newest few only.
    public static func lastCounted(userID: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            SELECT e.created_at FROM exports e JOIN jobs j ON j.id = e.job_id
            WHERE e.user_id = \(bind: userID) AND j.state NOT IN ('cancelled', 'discarded')
            ORDER BY e.id DESC LIMIT 1
            """).first()?.decode(column: "created_at", as: Int64.self)
    }

    /// Records the whole file, in place, as the export's.
    public static func finish(_ id: Int64, fileName: String, size: Int64, books: Int64, now: Int64, expiresAt: Int64, on db: any SQLDatabase) async throws {
        try await db.update("exports").set("file_name", to: fileName).set("size", to: size).set("books", to: books)
            .set("finished_at", to: now).set("expires_at", to: expiresAt).where("id", .equal, id).run()
    }

    /// Exports whose files expired by `now`, oldest first, through `exports_expiry`.
    public static func expired(now: Int64, limit: Int, on db: any SQLDatabase) async throws -> [(id: Int64, fileName: String)] {
        try await db.raw("""
            SELECT id, file_name FROM exports WHERE file_name IS NOT NULL AND expires_at <= \(bind: now)
            ORDER BY expires_at LIMIT \(bind: limit)
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "file_name", as: String.self)) }
    }

    /// Marks exports expired: their files are no longer listed or served.
    public static func markExpired(ids: [Int64], now: Int64, on db: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await db.update("exports").set("file_name", to: SQLLiteral.null).set("expired_at", to: now).where("id", .in, ids).run()
    }
}
