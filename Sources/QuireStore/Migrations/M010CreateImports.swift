import QuireCore
import SQLKit

/// Account imports (issue 14). An import row is made with its job in one transaction; the job
/// reads the uploaded file in batches, and each batch's rows, their report lines and the import's
/// counts and cursor (`rows_done`, the last row committed) move in one transaction, so a crash
/// resumes after the last committed batch and every row lands once.
///
/// `import_rows` holds one report line per row; the failed ones keep the file's own cells, for
/// `failed.csv`. `import_rows_result` pages a report by result (`?result=failed`) by row number.
///
/// `editions.match_key` (`CatalogMatchKey`: the folded title and first author) lets an import look
/// a whole batch of rows without an ISBN up in one indexed `IN`. SQL can't fold accents the way
/// Swift does on both engines, so existing editions get their keys from the backfill, 1,000 at a
/// time in id order.
let m010CreateImports = Migration(version: 10, name: "create imports", backfill: fillMatchKeys) { engine in
    [
        """
        CREATE TABLE imports (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            privacy TEXT NOT NULL,
            job_id BIGINT NOT NULL,
            file_name TEXT NOT NULL,
            original_name TEXT,
            size BIGINT NOT NULL,
            header TEXT NOT NULL,
            rows_done BIGINT NOT NULL DEFAULT 0,
            matched BIGINT NOT NULL DEFAULT 0,
            created BIGINT NOT NULL DEFAULT 0,
            skipped BIGINT NOT NULL DEFAULT 0,
            failed BIGINT NOT NULL DEFAULT 0,
            retrying \(engine.booleanType) NOT NULL DEFAULT \(engine == .postgres ? "false" : "0"),
            unresolved TEXT,
            created_at BIGINT NOT NULL,
            finished_at BIGINT
        )
        """,
        "CREATE INDEX imports_user ON imports (user_id, id)",
        """
        CREATE TABLE import_rows (
            import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
            row_number BIGINT NOT NULL,
            result TEXT NOT NULL,
            edition_id BIGINT,
            reason TEXT,
            cells TEXT,
            PRIMARY KEY (import_id, row_number)
        )
        """,
        "CREATE INDEX import_rows_result ON import_rows (import_id, result, row_number)",
        "ALTER TABLE editions ADD COLUMN match_key TEXT",
        "CREATE INDEX editions_match_key ON editions (match_key)",
    ]
}

@Sendable private func fillMatchKeys(_ db: any SQLDatabase) async throws {
    var after: Int64 = 0
    while true {
        let rows = try await db.raw("""
            SELECT e.id, e.title, a.name FROM editions e
            LEFT JOIN work_authors wa ON wa.work_id = e.work_id AND wa.position = 0
            LEFT JOIN authors a ON a.id = wa.author_id
            WHERE e.id > \(bind: after) ORDER BY e.id LIMIT 1000
            """).all()
        guard let last = rows.last else { return }
        after = try last.decode(column: "id", as: Int64.self)
        var keys: [(id: Int64, value: String?)] = []
        for row in rows {
            let key = CatalogMatchKey.make(title: try row.decode(column: "title", as: String.self),
                                           firstAuthor: try row.decode(column: "name", as: String?.self))
            if let key { keys.append((try row.decode(column: "id", as: Int64.self), key)) }
        }
        try await EditionQueries.set("match_key", keys, on: db)
    }
}
