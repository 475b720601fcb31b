import QuireCore
import SQLKit

/// The statements of `catalog.stats` (issue 15) and the reads of what it wrote.
///
/// What counts, and why: these numbers are shown to everyone, so they count only what everyone
/// may see (README, lesson 4: no count tells a viewer of what they may not see). A count that took
/// in a private or followers-only shelf could reveal one reader's shelving (a work with one public
/// reader showing two), so shelvings count only on public shelves, and ratings only from public
/// and unlisted reviews, as a work's `ratings_count` already does.
///
/// Each batch is a keyset range of ids `(after, through]`; every statement aggregates in the
/// database and returns a few rows per work or author, so nothing held here grows with the
/// catalog. Indexes: `shelf_books_work_user` for a range of works' shelvings,
/// `statuses_work_kind` for their reviews, `work_authors_author` for a range of authors.
public enum CatalogStatsQueries {
    static let publicShelf = "public"

    /// The ids of the next `limit` rows of `table` after `after`, in id order.
    public static func nextIDs(_ table: CatalogTable, after: Int64, limit: Int, on db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw("""
            SELECT id FROM \(unsafeRaw: table.rawValue) WHERE id > \(bind: after) ORDER BY id LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    public enum CatalogTable: String, Sendable { case works, authors }

    /// Recounts the works `ids` (ascending, all within `(after, ids.last]`).
    public static func workStats(_ ids: [Int64], after: Int64, now: Int64, on db: any SQLDatabase) async throws -> [WorkStatsRecord] {
        guard let last = ids.last else { return [] }
        var index: [Int64: Int] = [:]
        var stats = ids.enumerated().map { offset, id in
            index[id] = offset
            var record = WorkStatsRecord(workID: id)
            record.computedAt = now
            return record
        }
        for row in try await db.raw("""
            SELECT sb.work_id, count(DISTINCT sb.user_id) AS n FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
            WHERE sb.work_id > \(bind: after) AND sb.work_id <= \(bind: last) AND s.privacy = \(bind: publicShelf)
            GROUP BY sb.work_id
            """).all() {
            guard let i = index[try row.decode(column: "work_id", as: Int64.self)] else { continue }
            stats[i].readers = try row.decode(column: "n", as: Int64.self)
        }
        let shelves = DefaultShelf.allCases.map(\.rawValue)
        for row in try await db.raw("""
            SELECT sb.work_id, s.identifier, count(DISTINCT sb.user_id) AS n FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
            WHERE sb.work_id > \(bind: after) AND sb.work_id <= \(bind: last) AND s.privacy = \(bind: publicShelf)
            AND s.is_default = \(bind: true)
            GROUP BY sb.work_id, s.identifier
            """).all() {
            guard let i = index[try row.decode(column: "work_id", as: Int64.self)],
                  let shelf = shelves.firstIndex(of: try row.decode(column: "identifier", as: String.self)) else { continue }
            stats[i].shelved[shelf] = try row.decode(column: "n", as: Int64.self)
        }
        // Each reader's latest rated review of the work (highest id), counted once by its rating.
        for row in try await db.raw("""
            SELECT work_id, rating, count(*) AS n FROM (
                SELECT work_id, rating, ROW_NUMBER() OVER (PARTITION BY work_id, user_id ORDER BY id DESC) AS latest
                FROM statuses
                WHERE work_id > \(bind: after) AND work_id <= \(bind: last) AND kind = 'review' AND rating IS NOT NULL
                AND deleted_at IS NULL AND privacy IN ('public', 'unlisted')
            ) r WHERE latest = 1 GROUP BY work_id, rating
            """).all() {
            let rating = try row.decode(column: "rating", as: Int.self)
            guard let i = index[try row.decode(column: "work_id", as: Int64.self)], (1...10).contains(rating) else { continue }
            stats[i].histogram[rating - 1] = try row.decode(column: "n", as: Int64.self)
        }
        return stats
    }

    /// Recounts the authors `ids` (ascending, all within `(after, ids.last]`). Their ratings come
    /// from `work_stats`, so the works must have been recounted first.
    public static func authorStats(_ ids: [Int64], after: Int64, now: Int64, on db: any SQLDatabase) async throws -> [AuthorStatsRecord] {
        guard let last = ids.last else { return [] }
        var index: [Int64: Int] = [:]
        var stats = ids.enumerated().map { offset, id in
            index[id] = offset
            var record = AuthorStatsRecord(authorID: id)
            record.computedAt = now
            return record
        }
        let range: SQLQueryString = "wa.author_id > \(bind: after) AND wa.author_id <= \(bind: last)"
        for row in try await db.raw("""
            SELECT wa.author_id, count(DISTINCT wa.work_id) AS works, count(e.id) AS editions
            FROM work_authors wa LEFT JOIN editions e ON e.work_id = wa.work_id
            WHERE \(range) GROUP BY wa.author_id
            """).all() {
            guard let i = index[try row.decode(column: "author_id", as: Int64.self)] else { continue }
            stats[i].works = try row.decode(column: "works", as: Int64.self)
            stats[i].editions = try row.decode(column: "editions", as: Int64.self)
        }
        for row in try await db.raw("""
            SELECT wa.author_id, count(DISTINCT sb.user_id) AS n
            FROM work_authors wa JOIN shelf_books sb ON sb.work_id = wa.work_id JOIN shelves s ON s.id = sb.shelf_id
            WHERE \(range) AND s.privacy = \(bind: publicShelf) GROUP BY wa.author_id
            """).all() {
            guard let i = index[try row.decode(column: "author_id", as: Int64.self)] else { continue }
            stats[i].readers = try row.decode(column: "n", as: Int64.self)
        }
        // Cast: PostgreSQL's sum of bigints is a numeric.
        for row in try await db.raw("""
            SELECT wa.author_id, CAST(sum(ws.ratings_count) AS BIGINT) AS n, CAST(sum(ws.rating_sum) AS BIGINT) AS total
            FROM work_authors wa JOIN work_stats ws ON ws.work_id = wa.work_id
            WHERE \(range) GROUP BY wa.author_id
            """).all() {
            guard let i = index[try row.decode(column: "author_id", as: Int64.self)] else { continue }
            stats[i].ratingsCount = try row.decode(column: "n", as: Int64.self)
            stats[i].ratingSum = try row.decode(column: "total", as: Int64.self)
        }
        return stats
    }

    /// Writes a batch of work statistics with one upsert per 500 rows.
    public static func save(_ stats: [WorkStatsRecord], on db: any SQLDatabase) async throws {
        try await upsert("work_stats", key: "work_id", columns: WorkStatsRecord.columns, rows: stats.map(\.values), on: db)
    }

    public static func save(_ stats: [AuthorStatsRecord], on db: any SQLDatabase) async throws {
        try await upsert("author_stats", key: "author_id", columns: AuthorStatsRecord.columns, rows: stats.map(\.values), on: db)
    }

    private static func upsert(
        _ table: String, key: String, columns: [String], rows: [[any Encodable & Sendable]], on db: any SQLDatabase
    ) async throws {
        let update = columns.filter { $0 != key }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        var insert = BulkInsert(table, columns, rowsPerStatement: 500, suffix: "ON CONFLICT (\(key)) DO UPDATE SET \(update)")
        for row in rows { try await insert.add(row, on: db) }
        try await insert.flush(on: db)
    }

    /// A work's statistics by primary key; nil until `catalog.stats` has run over it.
    public static func work(_ id: Int64, on db: any SQLDatabase) async throws -> WorkStatsRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: WorkStatsRecord.columns.joined(separator: ", ")) FROM work_stats WHERE work_id = \(bind: id)
            """).first().map(WorkStatsRecord.init)
    }

    /// An author's statistics by primary key; nil until `catalog.stats` has run over them.
    public static func author(_ id: Int64, on db: any SQLDatabase) async throws -> AuthorStatsRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: AuthorStatsRecord.columns.joined(separator: ", ")) FROM author_stats WHERE author_id = \(bind: id)
            """).first().map(AuthorStatsRecord.init)
    }
}
