import QuireCore
import SQLKit

/// A status's displayed counts, summed over its shards.
public struct StatusCounts: Sendable, Equatable {
    public var likes: Int64 = 0
    public var boosts: Int64 = 0
    public var replies: Int64 = 0
    public init() {}

    /// Adds a write's deltas (`TransactionChanges`).
    mutating func add(_ delta: StatusCounts) {
        likes += delta.likes
        boosts += delta.boosts
        replies += delta.replies
    }
}

/// Everything a page of statuses shows besides the statuses themselves.
public struct StatusPage: Sendable {
    public let statuses: [StatusRecord]
    /// The statuses the page's boosts boost.
    public let originals: [Int64: StatusRecord]
    public let users: [Int64: UserRecord]
    /// The statuses' books with their works' authors, by edition id, as the editions cache holds them.
    public let books: [Int64: EditionWithAuthors]
    public let counts: [Int64: StatusCounts]
    public let liked: Set<Int64>
    public let boosted: Set<Int64>

    public init(statuses: [StatusRecord], originals: [Int64: StatusRecord], users: [Int64: UserRecord], books: [Int64: EditionWithAuthors],
                counts: [Int64: StatusCounts], liked: Set<Int64>, boosted: Set<Int64>) {
        (self.statuses, self.originals, self.users, self.books) = (statuses, originals, users, books)
        (self.counts, self.liked, self.boosted) = (counts, liked, boosted)
    }

    /// What a row shows: the boosted status for a boost, the row itself otherwise.
    public func shown(_ status: StatusRecord) -> StatusRecord? {
        guard let original = status.boostOfID else { return status }
        return originals[original]
    }
}

/// Loads what a page of statuses refers to in batches (lesson 5: no N+1): the boosted originals,
/// then users, editions, their authors, counts and the viewer's likes and boosts, one statement
/// each whatever the page's size, so a page of 15 costs the statements a page of 1 does. Users,
/// editions with their authors, counts and the viewer's likes and boosts come from the process's
/// caches where they hold them, so a warm page reads none of them.
public enum StatusPageLoader {
    public static func load(_ statuses: [StatusRecord], viewer: Int64, on db: any SQLDatabase) async throws -> StatusPage {
        guard !statuses.isEmpty else { return try await load(statuses, originals: [:], viewer: viewer, on: db) }
        // Always run for a non-empty page so the count doesn't depend on its content.
        let originals = try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns.joined(separator: ", ")) FROM statuses
            WHERE id IN (SELECT boost_of_id FROM statuses WHERE id IN (\(binds: statuses.map(\.id))) AND boost_of_id IS NOT NULL)
            """).all().map(StatusRecord.init)
        let byID = Dictionary(originals.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try await load(statuses, originals: byID, viewer: viewer, on: db)
    }

    /// A list's page as `StatusListQueries` and the home timeline read it: its statuses and
    /// their boosts' originals.
    public static func load(_ rows: StatusRows, viewer: Int64, on db: any SQLDatabase) async throws -> StatusPage {
        try await load(rows.statuses, originals: rows.originals, viewer: viewer, flags: rows.flags, on: db)
    }

    /// A page whose boosts' originals are already read (a home page reads them with its
    /// statuses), and perhaps the viewer's likes and boosts of them (`flags`).
    static func load(_ statuses: [StatusRecord], originals byID: [Int64: StatusRecord], viewer: Int64,
                     flags: ViewerFlags? = nil, on db: any SQLDatabase) async throws -> StatusPage {
        guard !statuses.isEmpty else {
            return StatusPage(statuses: [], originals: [:], users: [:], books: [:], counts: [:], liked: [], boosted: [])
        }
        let shown = statuses.compactMap { status in status.boostOfID.map { byID[$0] } ?? status }
        let shownIDs = Array(Set(shown.map(\.id)))
        let users = try await UserQueries.find(ids: Array(Set(statuses.map(\.userID) + shown.map(\.userID))), on: db)
        let books = try await EditionQueries.findWithAuthors(ids: Array(Set(shown.compactMap(\.editionID))), on: db)
        let (counts, liked, boosted) = try await Self.countsAndFlags(shownIDs, viewer: viewer, known: flags, on: db)
        return StatusPage(statuses: statuses, originals: byID, users: users, books: books, counts: counts, liked: liked, boosted: boosted)
    }

    /// Counts of many statuses and which of them the viewer liked or boosted, in one statement.
    /// The counts come from the process's cache where it holds them (they are the same for every
    /// viewer); those it doesn't are read in the same statement (at most `Counters.shardCount`
    /// rows each through the primary key, summed; never a COUNT) and then cached, a status with
    /// no counter rows as zeros. The flags are the viewer's own: `known` when the page's statement
    /// read them, else from the reactions cache (`ViewerReactions`) for the statuses it has
    /// checked, and read here for the rest, through the likes primary key and `statuses_boost`,
    /// and kept there; a signed-out viewer (0) has none.
    static func countsAndFlags(_ ids: [Int64], viewer: Int64, known: ViewerFlags? = nil,
                               on db: any SQLDatabase) async throws -> ([Int64: StatusCounts], Set<Int64>, Set<Int64>) {
        guard !ids.isEmpty else { return ([:], [], []) }
        var flags = known ?? ViewerFlags()
        var unflagged: [Int64] = []
        let reactions = viewer != 0 && known == nil ? ReactionsLookup(viewer: viewer, on: db) : nil
        if let reactions { (flags, unflagged) = reactions.flags(ids) }
        // With every count and flag cached, no statement.
        let readFlags = !unflagged.isEmpty
        var readFlagsFound = ViewerFlags()
        let counts = try await EntityCache.readThrough(db.readCaches?.statusCounts, ids, bytes: { _ in 64 }, always: readFlags) { missing in
            var sql: SQLQueryString = ""
            if !missing.isEmpty {
                sql = "SELECT 0 AS what, status_id AS id, likes, boosts, replies FROM status_counts WHERE status_id IN (\(binds: missing))"
            }
            if readFlags {
                if !missing.isEmpty { sql.appendLiteral(" UNION ALL ") }
                sql.appendInterpolation(ViewerFlags.arms(viewer: viewer, of: "\(binds: unflagged)", rest: ", 0, 0, 0"))
            }
            var read: [Int64: StatusCounts] = [:]
            for row in try await db.raw(sql).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                switch try row.decode(column: "what", as: Int.self) {
                case ViewerFlags.like: readFlagsFound.liked.insert(id)
                case ViewerFlags.boost: readFlagsFound.boosted.insert(id)
                default:
                    read[id, default: StatusCounts()].likes += try row.decode(column: "likes", as: Int64.self)
                    read[id, default: StatusCounts()].boosts += try row.decode(column: "boosts", as: Int64.self)
                    read[id, default: StatusCounts()].replies += try row.decode(column: "replies", as: Int64.self)
                }
            }
            // A status with no counter rows yet is cached as zeros, not read again.
            return missing.map { ($0, read[$0] ?? StatusCounts()) }
        }
        if readFlags {
            reactions?.remember(readFlagsFound, of: unflagged)
            flags.liked.formUnion(readFlagsFound.liked)
            flags.boosted.formUnion(readFlagsFound.boosted)
        }
        return (counts, flags.liked, flags.boosted)
    }
}
