import SQLKit

/// One ranked search hit; `score` is higher for better matches on both engines.
public struct SearchHit: Sendable {
    public let edition: EditionRecord
    public let score: Double
}

/// Full-text search over edition titles and author names, prefix-matching every word
/// (`tolk` finds Tolkien), ranked, keyset-paginated on (score, id). Index-backed on both
/// engines: FTS5's `editions_fts` on SQLite, the GIN index `editions_search` on PostgreSQL.
public enum SearchQueries {
    /// `terms` are plain words (letters and digits only): the caller has already removed anything
    /// that the engines' query syntax would read as an operator.
    public static func editions(
        terms: [String], after: (score: Double, id: Int64)?, limit: Int, on db: any SQLDatabase
    ) async throws -> [SearchHit] {
        guard !terms.isEmpty else { return [] }
        let rows: [any SQLRow]
        let afterScore = after?.score ?? .infinity
        let afterID = after?.id ?? 0
        // Matches are ranked by id and score alone, and only the page's editions are read: with
        // the edition rows joined before the ranking, an author's surname matching 3,300 of a
        // million editions took twice as long on SQLite, reading 3,300 rows to show 20.
        if db.isPostgres {
            let query = terms.map { "\($0):*" }.joined(separator: " & ")
            rows = try await db.raw("""
                SELECT \(unsafeRaw: EditionRecord.columns("e")), page.score FROM (
                    SELECT hit_id, score FROM (
                        SELECT m.id AS hit_id, ts_rank(m.search, q)::float8 AS score
                        FROM editions m, to_tsquery('simple', \(bind: query)) q
                        WHERE m.search @@ q
                    ) hits
                    WHERE score < \(bind: afterScore) OR (score = \(bind: afterScore) AND hit_id > \(bind: afterID))
                    ORDER BY score DESC, hit_id LIMIT \(bind: limit)
                ) page JOIN editions e ON e.id = page.hit_id
                ORDER BY page.score DESC, page.hit_id
                """).all()
        } else {
            let query = terms.map { "\"\($0)\"*" }.joined(separator: " ")
            rows = try await db.raw("""
                SELECT \(unsafeRaw: EditionRecord.columns("e")), page.score FROM (
                    SELECT hit_id, score FROM (
                        SELECT rowid AS hit_id, -bm25(editions_fts, 2.0, 1.0) AS score
                        FROM editions_fts WHERE editions_fts MATCH \(bind: query)
                    ) hits
                    WHERE score < \(bind: afterScore) OR (score = \(bind: afterScore) AND hit_id > \(bind: afterID))
                    ORDER BY score DESC, hit_id LIMIT \(bind: limit)
                ) page JOIN editions e ON e.id = page.hit_id
                ORDER BY page.score DESC, page.hit_id
                """).all()
        }
        return try rows.map { SearchHit(edition: try EditionRecord(row: $0), score: try $0.decode(column: "score", as: Double.self)) }
    }
}
