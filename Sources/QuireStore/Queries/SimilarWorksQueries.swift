import SQLKit

/// The statements of `catalog.similar` ("readers also shelved", issue 15) and the list's read.
///
/// Only shelvings on public shelves count, as in `CatalogStatsQueries` (a private shelving must
/// not show through a list anyone can read). A reader shelving two editions of a work, or one on
/// two shelves, is one reader of it: both samples below are over distinct (work, reader) pairs,
/// ordered by the reader's latest shelving of the work.
public enum SimilarWorksQueries {
    /// Streams, for the works in `(after, through]`, each work's `perWork` most recent distinct
    /// public readers as (work, reader), in work order. Through `shelf_books_work_user`; the window
    /// keeps the rows returned to `perWork` a work however many readers a work has.
    public static func sampledReaders(
        after: Int64, through: Int64, perWork: Int, on db: any SQLDatabase, _ onRow: @escaping @Sendable (Int64, Int64) -> Void
    ) async throws {
        let query: SQLQueryString = """
            SELECT work_id, user_id FROM (
                SELECT work_id, user_id, ROW_NUMBER() OVER (PARTITION BY work_id ORDER BY latest DESC) AS n FROM (
                    SELECT sb.work_id, sb.user_id, max(sb.id) AS latest FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
                    WHERE sb.work_id > \(bind: after) AND sb.work_id <= \(bind: through) AND s.privacy = 'public'
                    GROUP BY sb.work_id, sb.user_id
                ) pairs
            ) ranked WHERE n <= \(bind: perWork) ORDER BY work_id
            """
        try await db.execute(sql: query) { row in
            guard let work = try? row.decode(column: "work_id", as: Int64.self),
                  let user = try? row.decode(column: "user_id", as: Int64.self) else { return }
            onRow(work, user)
        }
    }

    /// Streams, for each of `readers`, their `perReader` most recently shelved distinct works on
    /// public shelves as (reader, work). Through `shelf_books_user_edition`.
    public static func readerWorks(
        _ readers: [Int64], perReader: Int, on db: any SQLDatabase, _ onRow: @escaping @Sendable (Int64, Int64) -> Void
    ) async throws {
        guard !readers.isEmpty else { return }
        let query: SQLQueryString = """
            SELECT user_id, work_id FROM (
                SELECT user_id, work_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY latest DESC) AS n FROM (
                    SELECT sb.user_id, sb.work_id, max(sb.id) AS latest FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
                    WHERE sb.user_id IN (\(binds: readers)) AND s.privacy = 'public'
                    GROUP BY sb.user_id, sb.work_id
                ) pairs
            ) ranked WHERE n <= \(bind: perReader)
            """
        try await db.execute(sql: query) { row in
            guard let user = try? row.decode(column: "user_id", as: Int64.self),
                  let work = try? row.decode(column: "work_id", as: Int64.self) else { return }
            onRow(user, work)
        }
    }

    /// One computed entry: `rank` 1...10 in `workID`'s list.
    public struct Entry: Sendable, Equatable {
        public let workID: Int64
        public let rank: Int
        public let similarWorkID: Int64
        public let sharedReaders: Int64

        public init(workID: Int64, rank: Int, similarWorkID: Int64, sharedReaders: Int64) {
            self.workID = workID
            self.rank = rank
            self.similarWorkID = similarWorkID
            self.sharedReaders = sharedReaders
        }
    }

    /// Replaces the lists of the works in `(after, through]` with `entries`, in the caller's
    /// transaction: a work whose list shrank or emptied loses its old rows with the rest.
    public static func replace(after: Int64, through: Int64, with entries: [Entry], now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM work_similar WHERE work_id > \(bind: after) AND work_id <= \(bind: through)").run()
        var insert = BulkInsert("work_similar", ["work_id", "rank", "similar_work_id", "shared_readers", "computed_at"], rowsPerStatement: 500)
        for entry in entries {
            try await insert.add([entry.workID, entry.rank, entry.similarWorkID, entry.sharedReaders, now], on: db)
        }
        try await insert.flush(on: db)
    }

    /// A page of a work's list in rank order, by primary key: one statement however long the page.
    public static func list(_ workID: Int64, afterRank: Int, limit: Int, on db: any SQLDatabase) async throws -> [SimilarWorkRecord] {
        try await db.raw("""
            SELECT ws.rank, ws.similar_work_id, ws.shared_readers, w.title
            FROM work_similar ws JOIN works w ON w.id = ws.similar_work_id
            WHERE ws.work_id = \(bind: workID) AND ws.rank > \(bind: afterRank)
            ORDER BY ws.rank LIMIT \(bind: limit)
            """).all().map { row in
            SimilarWorkRecord(
                rank: try row.decode(column: "rank", as: Int.self), workID: try row.decode(column: "similar_work_id", as: Int64.self),
                title: try row.decode(column: "title", as: String.self), sharedReaders: try row.decode(column: "shared_readers", as: Int64.self))
        }
    }
}
