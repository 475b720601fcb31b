import QuireCore
import SQLKit

/// Home timelines: a reader's own statuses and those (and boosts) of the accounts they follow.
///
/// THE DESIGN: fan-out on write, with broadcasters merged on read (as Twitter described it).
/// - Reading must cost the same on page 1 and page 10,000, and the same for someone following 10
///   accounts or 5,000. Fan-out on read can't: merging the newest statuses of every followed
///   account touches rows for each of them. Measured on the seeded SQLite database (5,000,000
///   statuses, release, warm cache), for a reader following 4,000 accounts: the page-1 query of
///   fan-out on read took 17 ms (101 ms cold), the same page from `home_entries` under 1 ms; at
///   page 10,000, 4-5 ms against under 1 ms.
/// - So a post is copied, as a narrow (reader, status, author) row, into `home_entries` of the
///   author and each follower, in the posting transaction, through `follows_followee`. A page is
///   then one seek on the primary key (user_id, status_id) and a walk of `limit` rows, whatever
///   the depth or the number of accounts followed.
/// - Copying a celebrity's post to 3,000,000 followers would hold the write for seconds and grow
///   the table by millions of rows a post. Accounts with more followers than the fan-out limit
///   (default 2,000) are broadcasters: their posts are not copied, and a reader's page merges in
///   the newest statuses of the few broadcasters they follow, each through `statuses_user`
///   (one seek a broadcaster). Who is a broadcaster is decided when a follow crosses the limit.
/// - What can change after an entry is made (a delete, a block, a boosted status going) is
///   checked when read (`StatusVisibility.alive`), so an entry never shows what the reader may no
///   longer see; privacy was checked when the entry was made and can't change after posting.
///   A broadcaster's statuses are all for its followers but its direct ones, which reach those
///   they mention as entries.
public enum HomeTimelineQueries {
    /// Copies a new status (or boost) into the homes it belongs in: the author's own, and each
    /// follower's unless the author is a broadcaster; a direct status goes only to those it mentions.
    /// Each home it goes into records `CacheKey.entered` (or `CacheKey.home`, see `entered`); a
    /// status that reached no follower's home (a broadcaster's, most often) records
    /// `CacheKey.posted`, for those who merge its author in.
    static func fanOut(_ status: StatusRecord, mentioned: [Int64], on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO home_entries (user_id, status_id, author_id) VALUES (\(bind: status.userID), \(bind: status.id), \(bind: status.userID))
            ON CONFLICT (user_id, status_id) DO NOTHING
            """).run()
        // A new status that is not a boost is visible to each reader given an entry below but the
        // mentioned (who may block its author): their heads take it (`CacheKey.entered`).
        func entered(_ reader: Int64) -> CacheKey {
            .homeEntry(reader: reader, status: status.id, author: status.userID, isBoost: status.boostOfID != nil)
        }
        db.changed(entered(status.userID))
        if status.privacy == StatusPrivacy.direct.rawValue {
            for userID in mentioned where userID != status.userID {
                try await db.raw("""
                    INSERT INTO home_entries (user_id, status_id, author_id) VALUES (\(bind: userID), \(bind: status.id), \(bind: status.userID))
                    ON CONFLICT (user_id, status_id) DO NOTHING
                    """).run()
                db.changed(.home(userID))
            }
            return
        }
        // Through follows_followee; a broadcaster's followers read its statuses instead.
        let readers = try await db.raw("""
            INSERT INTO home_entries (user_id, status_id, author_id)
            SELECT f.follower_id, \(bind: status.id), \(bind: status.userID) FROM follows f
            WHERE f.followee_id = \(bind: status.userID)
              AND NOT EXISTS (SELECT 1 FROM broadcasters b WHERE b.user_id = \(bind: status.userID))
            ON CONFLICT (user_id, status_id) DO NOTHING
            RETURNING user_id
            """).all()
        guard !readers.isEmpty else { return db.changed(.posted(status.userID)) }
        for row in readers { db.changed(entered(try row.decode(column: "user_id", as: Int64.self))) }
    }

    /// Whether the user is a broadcaster, by the primary key of `broadcasters`.
    static func isBroadcaster(_ userID: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT 1 AS one FROM broadcasters WHERE user_id = \(bind: userID)").first() != nil
    }

    /// A new follower's home gets the followee's latest statuses (a broadcaster's are merged on read).
    /// Each note copied in is entered in the follower's head (`CacheKey.entered`): the follower
    /// may see it (the follow is made, neither blocks the other, and it is neither deleted nor
    /// direct). A boost copied in drops the head (`CacheKey.home`), as its original may be by
    /// someone the follower blocks. The follow's `CacheKey.following` then leaves the head to
    /// these keys in this process (`Caches.committed`). Dropped at each follow, the large mixed
    /// load's heads were found at 94.3% (SQLite) and 94.0% (PostgreSQL) of first pages read, its
    /// only other writes (likes, shelvings, notes) changing no head but by entering; since, 96.7%
    /// and 96.4% (BENCHMARKS.md, c11f00d): the misses left there are first reads and the follows
    /// that copied a boost.
    static func backfill(reader: Int64, author: Int64, on db: any SQLDatabase) async throws {
        let copied = try await db.raw("""
            INSERT INTO home_entries (user_id, status_id, author_id)
            SELECT \(bind: reader), s.id, s.user_id FROM statuses s
            WHERE s.id IN (SELECT id FROM statuses WHERE user_id = \(bind: author) AND deleted_at IS NULL
                             AND privacy <> \(bind: StatusPrivacy.direct.rawValue)
                           ORDER BY id DESC LIMIT \(bind: TimelineRules.backfillOnFollow))
              AND NOT EXISTS (SELECT 1 FROM broadcasters b WHERE b.user_id = \(bind: author))
            ON CONFLICT (user_id, status_id) DO NOTHING
            RETURNING status_id, (SELECT o.boost_of_id FROM statuses o WHERE o.id = status_id) AS boost_of_id
            """).all()
        for row in copied {
            let status = try row.decode(column: "status_id", as: Int64.self)
            db.changed(.homeEntry(reader: reader, status: status, author: author, isBoost: !(try row.decodeNil(column: "boost_of_id"))))
        }
    }

    /// Takes an author's entries out of a reader's home (unfollow, block), through `home_entries_author`.
    static func remove(reader: Int64, author: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM home_entries WHERE user_id = \(bind: reader) AND author_id = \(bind: author)").run()
        db.changed(.home(reader))
    }

    /// Makes `userID` a broadcaster once their followers pass the fan-out limit. Reading the sum
    /// here decides a flag, not a count: the counter itself only ever moves by deltas.
    static func noteFollowers(of userID: Int64, fanoutLimit: Int, on db: any SQLDatabase) async throws {
        let followers = try await Counters.userShardTotal(.followers, of: userID, on: db)
        guard followers > fanoutLimit else { return }
        let inserted = try await db.raw("""
            INSERT INTO broadcasters (user_id, since) VALUES (\(bind: userID), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (user_id) DO NOTHING RETURNING user_id
            """).first()
        if inserted != nil { db.changed(.broadcasters) }
    }

    /// Broadcasters merged by one statement. A statement with a part per broadcaster grew without
    /// bound (SQLite refuses a compound SELECT of over 500 parts, so a reader following 500
    /// broadcasters got a 500); past this many, the page takes one more statement per this many,
    /// each seeking only above the newest page so far.
    public static let broadcastersPerStatement = 64

    /// A page of the reader's home timeline, newest first, before `before`: the reader's entries
    /// merged with the newest statuses of the broadcasters they follow. The broadcasters followed
    /// come first (`broadcastersFollowed`, usually from memory), then one statement per
    /// `broadcastersPerStatement` of them (the reader's entries ride with the first), whose parts
    /// each seek an index and stop after `limit` visible rows. So the usual reader, following few
    /// broadcasters, pays one statement.
    ///
    /// PostgreSQL does it all in one fixed statement instead (`lateralPage`): planning a UNION of
    /// 64 parts is most of its cost there. Measured with 199 broadcasters followed (release,
    /// wrk with 16 connections, medians of 3): a part apiece in one statement 0.4 req/s, chunks
    /// of 64 14.3 req/s, LATERAL 30.2 req/s (5 statements a request against 9). On SQLite the
    /// chunks gave 74 req/s against 33 for a part apiece (9 statements against 6).
    ///
    /// The statements pick only the page's ids and what its boosts boost, both read by the seeks
    /// themselves: reading boost_of_id again by primary key for every merged id, as the page
    /// once did, made SQLite's statement 136 us against 104 (small seed, warm; PostgreSQL's
    /// LATERAL page went from 0.55 to 0.42 ms at large scale with `StatusVisibility.notBlocked`'s
    /// check). The rows come from the statuses cache (`StatusQueries.find(ids:)`), a boost's
    /// original with them, so a warm page decodes no status row.
    ///
    /// The reader's likes and boosts of what the page shows come from the reactions cache
    /// (`ViewerReactions`), which holds them once a page has shown the reader those statuses;
    /// when it holds nothing for the reader, the statement that picks the page reads them too
    /// (`withFlags`), and they are kept there. A warm page is then one statement on either
    /// engine, reading no likes or boosts; the statuses a warm page shows that the cache hasn't
    /// checked (new ones) are read with their counts, which the counts cache doesn't hold yet
    /// either (`StatusPageLoader`).
    ///
    /// The first page (no cursor), which every reader opens, is kept as the reader's head
    /// (`HomeHeads`, which lists what drops it) and read from memory while it holds: its
    /// statuses come through the statuses cache and are checked to be still alive, so a warm
    /// first page runs no statement.
    public static func page(reader: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusRows {
        let reactions = ReactionsLookup(viewer: reader, on: db)
        let homes = before == nil ? db.readCaches.flatMap { $0.isServing ? $0.homes : nil } : nil
        if let homes, let rows = try await homes.page(reader, limit: limit, read: { try await StatusQueries.find($0, on: db) }) {
            return rows
        }
        // Taken before anything the head is made from is read.
        let ticket = homes?.ticket
        // The page merges them in, and a head is dropped when one of them posts.
        let broadcasters = try await broadcastersFollowed(by: reader, on: db)
        let (entries, flags) = try await entries(reader: reader, before: before, limit: limit, broadcasters: broadcasters,
                                                 flags: reactions.cached == nil, on: db)
        if let flags { reactions.remember(flags, of: entries.map { $0.boostOfID ?? $0.id }) }
        var rows = try await StatusQueries.find(entries, on: db)
        rows.flags = flags
        if let homes, let ticket, rows.statuses.count == entries.count {
            let head = HomeHead(limit: limit, entries: rows.statuses.map { .init(id: $0.id, boostOfID: $0.boostOfID, authorID: $0.userID) })
            homes.store(reader, head, broadcasters: broadcasters, ticket: ticket)
        }
        return rows
    }

    /// The page's ids, newest first, with the id each boost boosts, and with `flags` the reader's
    /// likes and boosts of them unless a page took more than one statement. `broadcasters` are
    /// those the reader follows.
    static func entries(reader: Int64, before: Int64?, limit: Int, broadcasters: [Int64], flags: Bool,
                        on db: any SQLDatabase) async throws -> ([StatusEntry], ViewerFlags?) {
        let cursor = before ?? Int64.max
        if db.isPostgres {
            return try await lateralPage(reader: reader, broadcasters: broadcasters, below: cursor, limit: limit, flags: flags, on: db)
        }
        // The first statement's flags are the page's only when no other statement follows it.
        let oneStatement = broadcasters.count <= broadcastersPerStatement
        let first = try await merged(reader: reader, home: true, broadcasters: Array(broadcasters.prefix(broadcastersPerStatement)),
                                     above: 0, below: cursor, limit: limit, flags: flags && oneStatement, on: db)
        var page = first.0
        var start = broadcastersPerStatement
        while start < broadcasters.count {
            // Only statuses newer than the page's last row so far can still make the page.
            let floor = page.count == limit ? page.last?.id ?? 0 : 0
            let chunk = Array(broadcasters[start..<min(start + broadcastersPerStatement, broadcasters.count)])
            let (more, _) = try await merged(reader: reader, home: false, broadcasters: chunk, above: floor, below: cursor, limit: limit,
                                             flags: false, on: db)
            page = Array((page + more).sorted { $0.id > $1.id }.prefix(limit))
            start += broadcastersPerStatement
        }
        return (page, first.1)
    }

    /// The broadcasters the reader follows, in id order (the reader's follows, each probing
    /// broadcasters by primary key), from the process's cache where it holds them: a home page
    /// read them every time (on SQLite in a statement of their own, on PostgreSQL inside the
    /// page's), though they change only when the reader follows or unfollows
    /// (`CacheKey.following`) or someone becomes a broadcaster.
    static func broadcastersFollowed(by reader: Int64, on db: any SQLDatabase) async throws -> [Int64] {
        let found = try await EntityCache.readThrough(db.readCaches?.broadcastersFollowed, [reader], bytes: { 64 + 8 * $0.count }) { _ in
            [(reader, try await db.raw("""
                SELECT f.followee_id AS user_id FROM follows f JOIN broadcasters b ON b.user_id = f.followee_id
                WHERE f.follower_id = \(bind: reader)
                ORDER BY f.followee_id
                """).all().map { try $0.decode(column: "user_id", as: Int64.self) })]
        }
        return found[reader] ?? []
    }

    /// `page`, a statement picking ids and what they boost, with the reader's likes and boosts of
    /// the statuses it shows (a boost shows what it boosts), through the likes primary key and
    /// `statuses_boost` (`ViewerFlags.arms`): a row per entry (what 0), then per like and per boost.
    static func withFlags(_ page: SQLQueryString, reader: Int64) -> SQLQueryString {
        """
        WITH page AS MATERIALIZED (\(page))
        SELECT 0 AS what, id, boost_of_id FROM page
        UNION ALL
        \(ViewerFlags.arms(viewer: reader, of: "SELECT COALESCE(boost_of_id, id) FROM page", rest: ", NULL AS boost_of_id"))
        """
    }

    /// Reads `withFlags`'s rows: the entries newest first, and the flags.
    static func entriesAndFlags(_ statement: SQLQueryString, on db: any SQLDatabase) async throws -> ([StatusEntry], ViewerFlags) {
        var entries: [StatusEntry] = []
        var flags = ViewerFlags()
        for row in try await db.raw(statement).all() {
            switch try row.decode(column: "what", as: Int.self) {
            case ViewerFlags.like: flags.liked.insert(try row.decode(column: "id", as: Int64.self))
            case ViewerFlags.boost: flags.boosted.insert(try row.decode(column: "id", as: Int64.self))
            default: entries.append(try StatusEntry(row: row))
            }
        }
        // UNION ALL promises no order.
        entries.sort { $0.id > $1.id }
        return (entries, flags)
    }

    /// PostgreSQL's page: the reader's entries and, for each broadcaster the reader follows
    /// (`broadcasters`, a VALUES list of binds), a LATERAL seek of `statuses_user` that stops
    /// after `limit` visible rows, each seek reading the ids and what they boost; then, with
    /// `flags`, the reader's likes and boosts of them (`withFlags`). Its text depends on how many
    /// broadcasters there are, not on which. Past `broadcastersPerStatement` of them, the
    /// statement finds them itself (the reader's follows joined to `broadcasters`) and is the
    /// same text however many there are.
    ///
    /// The statement found them itself always, until a page's broadcasters came from memory
    /// (`broadcastersFollowed`): for a reader following 1,000 accounts (small seed, warm,
    /// generic plan) walking their follows for broadcasters was 0.14 ms of the statement's
    /// 0.26, and 4,000 at the large scale; a page with a cursor, read from no home head, is
    /// such a statement every time.
    static func lateralPage(reader: Int64, broadcasters: [Int64], below: Int64, limit: Int, flags: Bool,
                            on db: any SQLDatabase) async throws -> ([StatusEntry], ViewerFlags?) {
        let listed = broadcasters.count <= broadcastersPerStatement
        // Its text built once (`StatementTemplate`) for each count of broadcasters and `flags`.
        let shape = "home lateral flags=\(flags) broadcasters=\(listed ? String(broadcasters.count) : "joined")"
        let statement = StatementTemplate.statement(shape, [reader, below, Int64(limit)] + (listed ? broadcasters : []), on: db) { p in
            let (reader, below, limit) = (p[0], p[1], Int(p[2]))
            var page: SQLQueryString = "SELECT id, boost_of_id FROM (\(homeSeek(reader: reader, above: 0, below: below, limit: limit))) home"
            let seek = authorSeek("f.followee_id", reader: reader, above: 0, below: below, limit: limit)
            if !listed {
                page.appendInterpolation("""
                     UNION SELECT x.id, x.boost_of_id FROM follows f JOIN broadcasters b ON b.user_id = f.followee_id
                    CROSS JOIN LATERAL (\(seek)) x WHERE f.follower_id = \(bind: reader)
                    """ as SQLQueryString)
            } else if p.count > 3 {
                var values = SQLQueryString("")
                for (index, broadcaster) in p.dropFirst(3).enumerated() {
                    values.appendInterpolation("\(unsafeRaw: index == 0 ? "" : ", ")(\(bind: broadcaster))" as SQLQueryString)
                }
                page.appendInterpolation(" UNION SELECT x.id, x.boost_of_id FROM (VALUES \(values)) f(followee_id) CROSS JOIN LATERAL (\(seek)) x" as SQLQueryString)
            }
            let merged: SQLQueryString = "SELECT id, boost_of_id FROM (\(page)) merged ORDER BY id DESC LIMIT \(bind: limit)"
            return flags ? withFlags(merged, reader: reader) : merged
        }
        guard flags else { return (try await db.raw(statement).all().map(StatusEntry.init), nil) }
        return try await entriesAndFlags(statement, on: db)
    }

    /// One statement: the newest `limit` visible statuses with ids in (`above`, `below`) from the
    /// reader's entries (when `home`) and from each of `broadcasters`, a part apiece, with the
    /// reader's likes and boosts of them when `flags`.
    static func merged(reader: Int64, home: Bool, broadcasters: [Int64], above: Int64, below: Int64, limit: Int, flags: Bool,
                       on db: any SQLDatabase) async throws -> ([StatusEntry], ViewerFlags?) {
        guard home || !broadcasters.isEmpty else { return ([], flags ? ViewerFlags() : nil) }
        // Its text built once per shape (`StatementTemplate`): the parts and whether it reads flags.
        let shape = "home merged home=\(home) parts=\(broadcasters.count) flags=\(flags)"
        let statement = StatementTemplate.statement(shape, [reader, above, below, Int64(limit)] + broadcasters, on: db) { p in
            let (reader, above, below, limit) = (p[0], p[1], p[2], Int(p[3]))
            var parts: [SQLQueryString] = []
            if home {
                parts.append("SELECT id, boost_of_id FROM (\(homeSeek(reader: reader, above: above, below: below, limit: limit))) home")
            }
            for (index, author) in p.dropFirst(4).enumerated() {
                let seek = authorSeek("\(bind: author)", reader: reader, above: above, below: below, limit: limit)
                parts.append("SELECT id, boost_of_id FROM (\(seek)) b\(unsafeRaw: String(index))")
            }
            var union = SQLQueryString("")
            for (index, part) in parts.enumerated() {
                if index > 0 { union.appendLiteral(" UNION ") }
                union.appendInterpolation(part)
            }
            union.appendInterpolation(" ORDER BY id DESC LIMIT \(bind: limit)" as SQLQueryString)
            return flags ? withFlags(union, reader: reader) : union
        }
        guard flags else { return (try await db.raw(statement).all().map(StatusEntry.init), nil) }
        return try await entriesAndFlags(statement, on: db)
    }

    /// The reader's newest `limit` visible entries with ids in (`above`, `below`): one seek of
    /// home_entries' primary key. Both page shapes use it.
    static func homeSeek(reader: Int64, above: Int64, below: Int64, limit: Int) -> SQLQueryString {
        """
        SELECT s.id, s.boost_of_id FROM home_entries h JOIN statuses s ON s.id = h.status_id
        WHERE h.user_id = \(bind: reader) AND h.status_id < \(bind: below) AND h.status_id > \(bind: above)
          AND \(StatusVisibility.alive("s", viewer: reader))
        ORDER BY h.status_id DESC LIMIT \(bind: limit)
        """
    }

    /// A broadcaster's newest `limit` statuses the reader may see with ids in (`above`, `below`),
    /// all but direct ones (those reach their readers as entries): one seek of `statuses_user`.
    /// `author` is a bound id (SQLite's parts) or the LATERAL join's column (PostgreSQL).
    static func authorSeek(_ author: SQLQueryString, reader: Int64, above: Int64, below: Int64, limit: Int) -> SQLQueryString {
        """
        SELECT s.id, s.boost_of_id FROM statuses s
        WHERE s.user_id = \(author) AND s.id < \(bind: below) AND s.id > \(bind: above)
          AND s.privacy <> \(bind: StatusPrivacy.direct.rawValue) AND \(StatusVisibility.alive("s", viewer: reader))
        ORDER BY s.id DESC LIMIT \(bind: limit)
        """
    }
}
