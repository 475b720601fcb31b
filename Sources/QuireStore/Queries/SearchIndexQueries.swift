import SQLKit

/// Upkeep of the catalog's search index (`SearchQueries` reads it).
///
/// SQLite's FTS5 index grows as b-tree segments: each transaction that indexes editions adds one,
/// and FTS5 merges them only partly as it goes, so a term's postings end up spread over several
/// segments that every search must read and merge. Measured on a catalog-only large seed
/// (1,000,000 editions), one connection, the search statement's own time: 201 us for the bench's
/// surname and 208 us for a word nothing matches as seeded, against 150 and 131 us once the
/// index was one segment.
///
/// PostgreSQL's GIN index keeps new entries in a pending list that every search scans until
/// VACUUM (or the list's size limit) moves them into the index proper.
public enum SearchIndexQueries {
    /// Leaf pages an SQLite merge step writes at most (about 2 MB with FTS5's default page size),
    /// so a step holds the write lock for milliseconds, not for the whole index.
    public static let pagesPerStep = 500

    /// One bounded step towards a single-segment index; returns whether it did any work, so the
    /// caller repeats it until it does none. SQLite's `merge` with a negative page count first
    /// puts every segment on one level and merges as few as two, which is what `optimize` does
    /// in one unbounded transaction: repeated until a step changes fewer than two rows, it leaves
    /// the index as `optimize` would. A segment added meanwhile joins the merge. On PostgreSQL
    /// one step moves the whole pending list (`gin_clean_pending_list`) and returns false.
    public static func mergeStep(pages: Int = pagesPerStep, on db: any SQLDatabase) async throws -> Bool {
        guard !db.isPostgres else {
            _ = try await db.raw("SELECT gin_clean_pending_list('editions_search'::regclass) AS cleaned").all()
            return false
        }
        func changes() async throws -> Int64 {
            try await db.raw("SELECT total_changes() AS n").first()?.decode(column: "n", as: Int64.self) ?? 0
        }
        let before = try await changes()
        try await db.raw("INSERT INTO editions_fts (editions_fts, rank) VALUES ('merge', \(bind: -max(1, pages)))").run()
        return try await changes() - before >= 2
    }
}
