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
    public let editions: [Int64: EditionRecord]
    public let authors: [Int64: [AuthorRecord]]
    public let counts: [Int64: StatusCounts]
    public let liked: Set<Int64>
    public let boosted: Set<Int64>

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
        let editions = try await EditionQueries.find(ids: Array(Set(shown.compactMap(\.editionID))), on: db)
        let authors = try await AuthorQueries.byWork(Array(Set(editions.values.map(\.workID))), on: db)
        let counts = try await Self.counts(shownIDs, on: db)
        var liked: Set<Int64> = []
        var boosted: Set<Int64> = []
        if viewer != 0 {
            // Through the likes primary key and statuses_boost.
            let rows = try await db.raw("""
                SELECT 'like' AS what, status_id AS id FROM likes WHERE user_id = \(bind: viewer) AND status_id IN (\(binds: shownIDs))
                UNION ALL
                SELECT 'boost' AS what, boost_of_id AS id FROM statuses WHERE user_id = \(bind: viewer) AND boost_of_id IN (\(binds: shownIDs))
                """).all()
            for row in rows {
                let id = try row.decode(column: "id", as: Int64.self)
                if try row.decode(column: "what", as: String.self) == "like" { liked.insert(id) } else { boosted.insert(id) }
            }
        }
        return StatusPage(statuses: statuses, originals: byID, users: users, editions: editions, authors: authors,
                          counts: counts, liked: liked, boosted: boosted)
    }

    /// Counts of many statuses: at most `Counters.shardCount` rows each through the primary key,
    /// summed; never a COUNT.
    static func counts(_ ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: StatusCounts] {
        guard !ids.isEmpty else { return [:] }
        var result: [Int64: StatusCounts] = [:]
        for row in try await db.raw("""
            SELECT status_id, likes, boosts, replies FROM status_counts WHERE status_id IN (\(binds: ids))
            """).all() {
            let id = try row.decode(column: "status_id", as: Int64.self)
            result[id, default: StatusCounts()].likes += try row.decode(column: "likes", as: Int64.self)
            result[id, default: StatusCounts()].boosts += try row.decode(column: "boosts", as: Int64.self)
            result[id, default: StatusCounts()].replies += try row.decode(column: "replies", as: Int64.self)
        }
        return result
    }
}
