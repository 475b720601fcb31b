import SQLKit

/// One search hit; `score` is higher for better matches on both engines: `SearchQueries.wholeWords`
/// or `SearchQueries.prefixes`.
public struct SearchHit: Sendable {
    /// The edition with its work's authors (in order), as the editions cache holds it.
    public let found: EditionWithAuthors
    public let score: Double

    public var edition: EditionRecord { found.edition }
    public var authors: [AuthorRecord] { found.authors }
}

/// Full-text search over edition titles, subtitles and author names, keyset-paginated on (score, id).
///
/// Two tiers, each in edition id order (the catalog's oldest first): editions matching every word
/// whole, then those matching every word only as a prefix (`tolk` finds Tolkien). A tier in id
/// order is read from the front of an index and stops after the page, so a page of the first tier
/// costs the same at a million editions as at ten thousand; a relevance score (bm25, ts_rank)
/// would have to rank every match first: an author's surname matching 3,615 of a million editions
/// took 7.4 ms on SQLite that way against 0.07 ms for the same words whole, in id order. The
/// prefix tier still gathers every prefix match (FTS5 merges the words that start with a prefix,
/// PostgreSQL reads a bitmap), so it runs only when the first tier doesn't fill the page: one
/// statement either way, its second half skipped then.
public enum SearchQueries {
    /// The score of an edition matching every word whole, and of one matching only as prefixes.
    public static let wholeWords = 2.0, prefixes = 1.0

    /// `terms` are plain words (letters and digits only): the caller has already removed anything
    /// that the engines' query syntax would read as an operator.
    public static func editions(
        terms: [String], after: (score: Double, id: Int64)?, limit: Int, on db: any SQLDatabase
    ) async throws -> [SearchHit] {
        var seen = Set<String>()
        let terms = terms.filter { seen.insert($0).inserted }
        guard !terms.isEmpty, limit > 0 else { return [] }
        // A page after one that ended in the first tier goes on in it; after the prefix tier, only that.
        let inWholeWords = after.map { $0.score > (wholeWords + prefixes) / 2 } ?? true
        let afterWhole = inWholeWords ? (after?.id ?? 0) : Int64.max
        let afterPrefix = inWholeWords ? 0 : (after?.id ?? 0)
        let scored = try await page(SearchPageKey(terms: terms, afterWhole: afterWhole, afterPrefix: afterPrefix, limit: limit), on: db)
        // The editions with their authors from the process's cache, the rest in one statement:
        // a hit's edition is the same for every reader.
        let editions = try await EditionQueries.findWithAuthors(ids: scored.map(\.id), on: db)
        return scored.compactMap { hit in
            editions[hit.id].map { SearchHit(found: $0, score: hit.score) }
        }
    }

    /// The page's ids and scores: outside a write transaction from the process's searches cache
    /// when it holds them, which any write to the editions empties (`CacheKey.catalog`), so a
    /// search repeated by many readers runs no statement until the catalog changes.
    private static func page(_ key: SearchPageKey, on db: any SQLDatabase) async throws -> [SearchPageHit] {
        let cache = db.readCaches?.searches
        if let cached = cache?.value(key) { return cached }
        let generation = cache?.generation ?? 0
        let statement = db.isPostgres
            ? postgres(key.terms, afterWhole: key.afterWhole, afterPrefix: key.afterPrefix, limit: key.limit)
            : sqlite(key.terms, afterWhole: key.afterWhole, afterPrefix: key.afterPrefix, limit: key.limit)
        let hits = try await db.raw(statement).all().map {
            SearchPageHit(id: try $0.decode(column: "hit_id", as: Int64.self), score: try $0.decode(column: "score", as: Double.self))
        }
        cache?.store(key, hits, bytes: key.cacheBytes + 16 * hits.count, generation: generation)
        return hits
    }

    /// FTS5 reads a whole word's editions in rowid order and seeks past `afterWhole`.
    private static func sqlite(_ terms: [String], afterWhole: Int64, afterPrefix: Int64, limit: Int) -> SQLQueryString {
        let whole = terms.map { "\"\($0)\"" }.joined(separator: " ")
        let prefix = "(" + terms.map { "\"\($0)\"*" }.joined(separator: " ") + ") NOT (" + whole + ")"
        return page(
            whole: """
                SELECT rowid AS hit_id FROM editions_fts
                WHERE editions_fts MATCH \(bind: whole) AND rowid > \(bind: afterWhole) ORDER BY rowid LIMIT \(bind: limit)
                """,
            prefix: """
                SELECT rowid AS hit_id FROM editions_fts
                WHERE editions_fts MATCH \(bind: prefix) AND rowid > \(bind: afterPrefix)
                """,
            order: "hit_id", limit: limit)
    }

    /// The first tier through `edition_words`: the longest word (likely the rarest) in id order,
    /// each other word checked by primary key. The prefix tier through the GIN index, sorted by an
    /// expression so that the planner never walks the primary key hoping to meet matches early.
    private static func postgres(_ terms: [String], afterWhole: Int64, afterPrefix: Int64, limit: Int) -> SQLQueryString {
        let driver = terms.indices.max { terms[$0].count < terms[$1].count } ?? 0
        var whole = SQLQueryString("SELECT d.edition_id AS hit_id FROM edition_words d WHERE d.word = lower(")
        whole.appendInterpolation(bind: terms[driver])
        whole.appendInterpolation(unsafeRaw: ") AND d.edition_id > ")
        whole.appendInterpolation(bind: afterWhole)
        for (index, term) in terms.enumerated() where index != driver {
            whole.appendInterpolation(unsafeRaw: " AND EXISTS (SELECT 1 FROM edition_words o WHERE o.word = lower(")
            whole.appendInterpolation(bind: term)
            whole.appendInterpolation(unsafeRaw: ") AND o.edition_id = d.edition_id)")
        }
        whole.appendInterpolation(unsafeRaw: " ORDER BY d.edition_id LIMIT ")
        whole.appendInterpolation(bind: limit)
        let exact = terms.joined(separator: " & ")
        let prefix = "(" + terms.map { "\($0):*" }.joined(separator: " & ") + ") & !(" + exact + ")"
        return page(
            whole: whole,
            prefix: """
                SELECT m.id AS hit_id FROM editions m
                WHERE m.search @@ to_tsquery('simple', \(bind: prefix)) AND m.id > \(bind: afterPrefix)
                """,
            order: "hit_id + 0", limit: limit)
    }

    /// The page: the first tier's editions, then as many of the prefix tier's as the first fell
    /// short of `limit`, with their rows. A limit of 0 stops both engines before they open the
    /// prefix tier's index (a condition in its WHERE did not: SQLite's FTS5 merged every prefix
    /// match first, 0.13 -> 1.0 ms for a surname at a million editions).
    ///
    /// The shortfall counts the first tier's rows: at most `limit`, read by this statement. That
    /// is not a count at read time in lesson 4's sense (nothing displayed, nothing outside the
    /// page), and it is the one COUNT QueryCountTests lets a read path run. Numbering the rows
    /// with row_number() instead took a co-routine and two sorts more: at a million editions
    /// SQLite's statement took 254 us against 201 for a surname filling the page, and 231
    /// against 208 for a word nothing matches (medians of 3 runs, in Quire).
    private static func page(whole: SQLQueryString, prefix: SQLQueryString, order: String, limit: Int) -> SQLQueryString {
        """
        WITH whole AS MATERIALIZED (\(whole))
        SELECT page.hit_id, page.score FROM (
            SELECT hit_id, CAST(\(unsafeRaw: "\(wholeWords)") AS DOUBLE PRECISION) AS score FROM whole
            UNION ALL
            SELECT hit_id, score FROM (
                SELECT hit_id, CAST(\(unsafeRaw: "\(prefixes)") AS DOUBLE PRECISION) AS score FROM (\(prefix)) p
                ORDER BY \(unsafeRaw: order) LIMIT (SELECT \(bind: limit) - count(*) FROM whole)
            ) more
        ) page
        ORDER BY page.score DESC, page.hit_id LIMIT \(bind: limit)
        """
    }
}

/// A search page's place: its distinct words, where it starts in each tier, and its length.
public struct SearchPageKey: Hashable, Sendable {
    let terms: [String]
    let afterWhole: Int64
    let afterPrefix: Int64
    let limit: Int

    /// What an entry costs beside its hits: the words and the dictionary's own share.
    var cacheBytes: Int { 96 + terms.reduce(0) { $0 + 16 + $1.utf8.count } }
}

/// One edition on a search page, with its tier's score.
public struct SearchPageHit: Sendable {
    let id: Int64
    let score: Double
}
