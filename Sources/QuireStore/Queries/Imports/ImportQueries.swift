import SQLKit

/// The imports table and its report. Every read starts from the owner through `imports_user` or
/// from one import through `import_rows`' primary key or `import_rows_result`.
public enum ImportQueries {
    public struct NewImport: Sendable {
        public var userID: Int64
        public var format: String
        public var privacy: String
        public var fileName: String
        public var originalName: String?
        public var size: Int64
        public var header: [String]

        public init(userID: Int64, format: String, privacy: String, fileName: String, originalName: String?, size: Int64, header: [String]) {
            self.userID = userID
            self.format = format
            self.privacy = privacy
            self.fileName = fileName
            self.originalName = originalName
            self.size = size
            self.header = header
        }
    }

    public static func create(_ new: NewImport, now: Int64, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO imports (user_id, format, privacy, job_id, file_name, original_name, size, header, created_at)
            VALUES (\(bind: new.userID), \(bind: new.format), \(bind: new.privacy), 0, \(bind: new.fileName), \(bind: new.originalName),
                    \(bind: new.size), \(bind: JSONList.encode(new.header) ?? "[]"), \(bind: now))
            RETURNING id
            """).first()
        guard let row else { throw DatabaseError.unavailable("inserting an import returned no row") }
        return try row.decode(column: "id", as: Int64.self)
    }

    /// Points the import at the job that runs it now (the first pass, then each retry).
    public static func attach(_ id: Int64, jobID: Int64, retrying: Bool, on db: any SQLDatabase) async throws {
        try await db.update("imports").set("job_id", to: jobID).set("retrying", to: retrying)
            .set("rows_done", to: 0).set("finished_at", to: SQLLiteral.null).where("id", .equal, id).run()
    }

    /// The owner's import, or nil when it is someone else's or doesn't exist.
    public static func find(_ id: Int64, userID: Int64, on db: any SQLDatabase) async throws -> ImportRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: ImportRecord.columns) FROM imports i LEFT JOIN jobs j ON j.id = i.job_id
            WHERE i.id = \(bind: id) AND i.user_id = \(bind: userID)
            """).first().map(ImportRecord.init)
    }

    /// The import a job runs (the job knows only the import's id).
    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> ImportRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: ImportRecord.columns) FROM imports i LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = \(bind: id)
            """).first().map(ImportRecord.init)
    }

    /// A page of the owner's imports, newest first.
    public static func list(userID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ImportRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: ImportRecord.columns) FROM imports i LEFT JOIN jobs j ON j.id = i.job_id
            WHERE i.user_id = \(bind: userID) AND i.id < \(bind: before ?? Int64.max)
            ORDER BY i.id DESC LIMIT \(bind: limit)
            """).all().map(ImportRecord.init)
    }

    /// A page of the report in row order, all rows or those with one result.
    public static func rows(
        _ importID: Int64, result: ImportRowResult?, after: Int64?, limit: Int, on db: any SQLDatabase
    ) async throws -> [ImportRowRecord] {
        let filter: SQLQueryString = result.map { "AND result = \(bind: $0.rawValue)" } ?? ""
        return try await db.raw("""
            SELECT row_number, result, edition_id, reason, cells FROM import_rows
            WHERE import_id = \(bind: importID) \(filter) AND row_number > \(bind: after ?? 0)
            ORDER BY row_number LIMIT \(bind: limit)
            """).all().map(ImportRowRecord.init)
    }

    /// Which of the rows numbered `first...last` failed, for a retry to run those again.
    public static func failedNumbers(_ importID: Int64, from first: Int64, through last: Int64, on db: any SQLDatabase) async throws -> Set<Int64> {
        let rows = try await db.raw("""
            SELECT row_number FROM import_rows
            WHERE import_id = \(bind: importID) AND result = 'failed' AND row_number BETWEEN \(bind: first) AND \(bind: last)
            """).all()
        return Set(try rows.map { try $0.decode(column: "row_number", as: Int64.self) })
    }

    /// The import's cursor, its row locked until the caller's transaction ends: a batch reads it
    /// first, so a second pass over the same import (an attempt whose worker lost the job to a
    /// rescue while it stalled, still running beside the attempt that took over) waits for the
    /// other's batch to commit and then finds the cursor moved, instead of writing the same rows
    /// again. On SQLite the batch's `BEGIN IMMEDIATE` has already ordered it after every other writer.
    public static func lockCursor(_ importID: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            SELECT rows_done FROM imports WHERE id = \(bind: importID)\(unsafeRaw: db.isPostgres ? " FOR UPDATE" : "")
            """).first()?.decode(column: "rows_done", as: Int64.self)
    }

    /// Records a batch's report lines and moves the import's counts and cursor, in the caller's
    /// transaction (the one that wrote the rows' books). A line already there (a retried row) is
    /// replaced and its old result counted out: `replaced` lists the old results of those rows.
    public static func record(
        _ importID: Int64, lines: [ImportRowRecord], replaced: [ImportRowResult], rowsDone: Int64, on db: any SQLDatabase
    ) async throws {
        var delta: [ImportRowResult: Int64] = [:]
        for line in lines { delta[line.result, default: 0] += 1 }
        for old in replaced { delta[old, default: 0] -= 1 }
        if !lines.isEmpty {
            // A retried row's line is replaced; the same text on both engines.
            var insert = BulkInsert("import_rows", ["import_id", "row_number", "result", "edition_id", "reason", "cells"], suffix: """
                ON CONFLICT (import_id, row_number) DO UPDATE SET result = excluded.result, edition_id = excluded.edition_id,
                reason = excluded.reason, cells = excluded.cells
                """)
            for line in lines {
                try await insert.add([importID, line.number, line.result.rawValue, line.editionID, line.reason,
                                      line.result == .failed ? JSONList.encode(line.cells) : nil], on: db)
            }
            try await insert.flush(on: db)
        }
        try await db.raw("""
            UPDATE imports SET rows_done = \(bind: rowsDone), matched = matched + \(bind: delta[.matched] ?? 0),
                created = created + \(bind: delta[.created] ?? 0), skipped = skipped + \(bind: delta[.skipped] ?? 0),
                failed = failed + \(bind: delta[.failed] ?? 0)
            WHERE id = \(bind: importID)
            """).run()
    }

    /// Records the columns of a file whose header only the job reads (an archive's).
    public static func setHeader(_ id: Int64, _ header: [String], on db: any SQLDatabase) async throws {
        try await db.update("imports").set("header", to: JSONList.encode(header) ?? "[]").where("id", .equal, id).run()
    }

    /// Marks the pass done, with the archive's people that named no account here.
    public static func finish(_ id: Int64, unresolved: String?, now: Int64, on db: any SQLDatabase) async throws {
        try await db.update("imports").set("finished_at", to: now).set("unresolved", to: unresolved).where("id", .equal, id).run()
    }
}
