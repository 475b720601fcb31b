import QuireCore
import SQLKit

/// A status's displayed counts, summed over its shards.
public struct StatusCounts: Sendable, Equatable {
    public var likes: Int64 = 0
    public var boosts: Int64 = 0
    public var replies: Int64 = 0
    public init() {}
}

/// Everything a page of statuses shows besides the statuses themselves.
public struct StatusPage: Sendable {
    public let statuses: [StatusRecord]
    /// The statuses the page's boosts boost.
    public let originals: [Int64: StatusRecord]
    public let users: [Int64: UserRecord]
    public let editions: [Int64: EditionTitle]
    public let authors: [Int64: [AuthorRecord]]
    public let counts: [Int64: StatusCounts]
    public let liked: Set<Int64>
    public let boosted: Set<Int64>

    public init(statuses: [StatusRecord], originals: [Int64: StatusRecord], users: [Int64: UserRecord], editions: [Int64: EditionTitle],
                authors: [Int64: [AuthorRecord]], counts: [Int64: StatusCounts], liked: Set<Int64>, boosted: Set<Int64>) {
        (self.statuses, self.originals, self.users, self.editions) = (statuses, originals, users, editions)
        (self.authors, self.counts, self.liked, self.boosted) = (authors, counts, liked, boosted)
    }

    /// What a row shows: the boosted status for a boost, the row itself otherwise.
    public func shown(_ status: StatusRecord) -> StatusRecord? {
        guard let original = status.boostOfID else { return status }
        return originals[original]
    }
}

/// Loads what a page of statuses refers to in batches (lesson 5: no N+1): the boosted originals,
/// then users, editions, their authors, counts and the viewer's likes and boosts, one statement
/// each whatever the page's size, so a page of 15 costs the statements a page of 1 does.
public enum StatusPageLoader {
    public static func load(_ statuses: [StatusRecord], viewer: Int64, on db: any SQLDatabase) async throws -> StatusPage {
        guard !statuses.isEmpty else {
            return StatusPage(statuses: [], originals: [:], users: [:], editions: [:], authors: [:], counts: [:], liked: [], boosted: [])
        }
        // Statement 1, always run for a non-empty page so the count doesn't depend on its content.
        let originals = try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns.joined(separator: ", ")) FROM statuses
            WHERE id IN (SELECT boost_of_id FROM statuses WHERE id IN (\(binds: statuses.map(\.id))) AND boost_of_id IS NOT NULL)
            """).all().map(StatusRecord.init)
        let byID = Dictionary(originals.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let shown = statuses.compactMap { status in status.boostOfID.map { byID[$0] } ?? status }
        let shownIDs = Array(Set(shown.map(\.id)))
        let users = try await UserQueries.find(ids: Array(Set(statuses.map(\.userID) + shown.map(\.userID))), on: db)
        let (editions, authors) = try await Self.books(Array(Set(shown.compactMap(\.editionID))), on: db)
        let (counts, liked, boosted) = try await Self.countsAndFlags(shownIDs, viewer: viewer, on: db)
        return StatusPage(statuses: statuses, originals: byID, users: users, editions: editions, authors: authors,
                          counts: counts, liked: liked, boosted: boosted)
    }

    /// The page's books and their authors in order, in one statement through the primary keys
    /// and `work_authors`' key.
    static func books(_ ids: [Int64], on db: any SQLDatabase) async throws -> ([Int64: EditionTitle], [Int64: [AuthorRecord]]) {
        guard !ids.isEmpty else { return ([:], [:]) }
        var editions: [Int64: EditionTitle] = [:]
        var authors: [Int64: [AuthorRecord]] = [:]
        var seen: Set<[Int64]> = []
        for row in try await db.raw("""
            SELECT e.id, e.work_id, e.title, a.id AS author_id, a.name AS author_name
            FROM editions e LEFT JOIN work_authors wa ON wa.work_id = e.work_id LEFT JOIN authors a ON a.id = wa.author_id
            WHERE e.id IN (\(binds: ids)) ORDER BY e.id, wa.position
            """).all() {
            let edition = EditionTitle(id: try row.decode(column: "id", as: Int64.self), workID: try row.decode(column: "work_id", as: Int64.self),
                                       title: try row.decode(column: "title", as: String.self))
            editions[edition.id] = edition
            // Several editions of one work list its authors once.
            guard let authorID = try row.decode(column: "author_id", as: Int64?.self), seen.insert([edition.workID, authorID]).inserted else { continue }
            authors[edition.workID, default: []].append(
                AuthorRecord(id: authorID, name: try row.decode(column: "author_name", as: String.self)))
        }
        return (editions, authors)
    }

    /// Counts of many statuses (at most `Counters.shardCount` rows each through the primary key,
    /// summed; never a COUNT) and which of them the viewer liked or boosted (through the likes
    /// primary key and `statuses_boost`), in one statement.
    static func countsAndFlags(_ ids: [Int64], viewer: Int64, on db: any SQLDatabase) async throws -> ([Int64: StatusCounts], Set<Int64>, Set<Int64>) {
        guard !ids.isEmpty else { return ([:], [], []) }
        var counts: [Int64: StatusCounts] = [:]
        var liked: Set<Int64> = []
        var boosted: Set<Int64> = []
        for row in try await db.raw("""
            SELECT 'count' AS what, status_id AS id, likes, boosts, replies FROM status_counts WHERE status_id IN (\(binds: ids))
            UNION ALL
            SELECT 'like' AS what, status_id AS id, 0, 0, 0 FROM likes WHERE user_id = \(bind: viewer) AND status_id IN (\(binds: ids))
            UNION ALL
            SELECT 'boost' AS what, boost_of_id AS id, 0, 0, 0 FROM statuses WHERE user_id = \(bind: viewer) AND boost_of_id IN (\(binds: ids))
            """).all() {
            let id = try row.decode(column: "id", as: Int64.self)
            switch try row.decode(column: "what", as: String.self) {
            case "like": liked.insert(id)
            case "boost": boosted.insert(id)
            default:
                counts[id, default: StatusCounts()].likes += try row.decode(column: "likes", as: Int64.self)
                counts[id, default: StatusCounts()].boosts += try row.decode(column: "boosts", as: Int64.self)
                counts[id, default: StatusCounts()].replies += try row.decode(column: "replies", as: Int64.self)
            }
        }
        return (counts, liked, boosted)
    }
}
