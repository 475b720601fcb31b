import SQLKit

extension EditionQueries {
    /// Many editions with their works' authors, for a list (a shelf's books): outside a write
    /// transaction from the process's cache where it holds them, the rest in one statement
    /// through the primary keys and `work_authors`' key, whatever their number (lesson 5), and
    /// then cached. A missing id is left out.
    ///
    /// A shelf page decoded 17 columns of 21 editions and read their authors in a second
    /// statement on every request; the editions are the same for every reader of every shelf
    /// and change only when edited (`CacheKey.edition` drops them), so a warm page reads them
    /// from memory.
    public static func findWithAuthors(ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: EditionWithAuthors] {
        try await EntityCache.readThrough(db.readCaches?.editions, ids, bytes: \.cacheBytes) { missing in
            try await read(ids: missing, on: db).map { ($0.edition.id, $0) }
        }
    }

    /// One row per edition and author (one with NULL author columns for a work without
    /// authors), in the authors' order.
    private static func read(ids: [Int64], on db: any SQLDatabase) async throws -> [EditionWithAuthors] {
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: EditionRecord.columns("e")), a.id AS author_id, a.name AS author_name,
                   a.openlibrary_key AS author_openlibrary_key, a.goodreads_key AS author_goodreads_key
            FROM editions e LEFT JOIN work_authors wa ON wa.work_id = e.work_id LEFT JOIN authors a ON a.id = wa.author_id
            WHERE e.id IN (\(binds: ids)) ORDER BY e.id, wa.position
            """).all()
        var editions: [EditionWithAuthors] = []
        var current: (edition: EditionRecord, authors: [AuthorRecord])?
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            if current?.edition.id != id {
                if let current { editions.append(EditionWithAuthors(edition: current.edition, authors: current.authors)) }
                current = (try EditionRecord(row: row), [])
            }
            guard let authorID = try row.decode(column: "author_id", as: Int64?.self) else { continue }
            current?.authors.append(AuthorRecord(
                id: authorID, name: try row.decode(column: "author_name", as: String.self),
                openlibraryKey: try row.decode(column: "author_openlibrary_key", as: String?.self),
                goodreadsKey: try row.decode(column: "author_goodreads_key", as: String?.self)))
        }
        if let current { editions.append(EditionWithAuthors(edition: current.edition, authors: current.authors)) }
        return editions
    }
}
