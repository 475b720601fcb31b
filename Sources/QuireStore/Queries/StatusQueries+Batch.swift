import QuireCore
import SQLKit

extension StatusQueries {
    /// Statuses by id as stored, whoever may see them: for a page whose statement has already
    /// picked the ids the viewer may see (a home page, a status). Outside a write transaction from
    /// the process's cache where it holds them, the rest in one statement through the primary
    /// key, whatever their number (lesson 5), and then cached. A missing id is left out.
    ///
    /// A home page read and decoded its 20 statuses' 19 columns (and its boosts' originals, in a
    /// second statement) on every request; a status is read by every follower of its author
    /// and changes only when edited, deleted or unboosted (`CacheKey.status`).
    public static func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: StatusRecord] {
        try await EntityCache.readThrough(db.readCaches?.statuses, ids, bytes: \.cacheBytes) { missing in
            try await db.raw("""
                SELECT \(unsafeRaw: StatusRecord.columns.joined(separator: ", ")) FROM statuses WHERE id IN (\(binds: missing))
                """).all().map { row in
                let status = try StatusRecord(row: row)
                return (status.id, status)
            }
        }
    }

    /// The statuses of `entries` in their order, and the originals their boosts boost, in one
    /// `find(ids:)`. A status no longer stored is left out.
    static func find(_ entries: [StatusEntry], on db: any SQLDatabase) async throws -> StatusRows {
        let found = try await find(ids: entries.map(\.id) + entries.compactMap(\.boostOfID), on: db)
        var originals: [Int64: StatusRecord] = [:]
        for case let original? in entries.map(\.boostOfID) { originals[original] = found[original] }
        return StatusRows(statuses: entries.compactMap { found[$0.id] }, originals: originals)
    }

    /// The status `id` when the viewer may see it, with the original it boosts. Its statement
    /// decides what the viewer may see and picks only the id and what it boosts; the rows come
    /// through the statuses cache, as a home page's do. A status is read by everyone its links
    /// reach, and changes only when edited, deleted or unboosted.
    public static func find(shown id: Int64, viewer: Int64, on db: any SQLDatabase) async throws -> StatusRows? {
        if viewer == 0, let cache = db.readCaches?.statuses, let seen = signedOut(id, cache: cache) {
            guard case .shown(let rows) = seen else { return nil }
            return rows
        }
        let entry = try await db.raw("""
            SELECT s.id, s.boost_of_id FROM statuses s WHERE s.id = \(bind: id) AND \(StatusVisibility.condition("s", viewer: viewer))
            """).first().map(StatusEntry.init)
        guard let entry else { return nil }
        let rows = try await find([entry], on: db)
        return rows.statuses.isEmpty ? nil : rows
    }
}

extension StatusQueries {
    enum Seen {
        case shown(StatusRows)
        case hidden
    }

    /// What a signed-out reader may see of status `id`, decided from the statuses cache alone, or
    /// nil when the cache doesn't hold the status (or a boost's original). Nobody signed in is
    /// the author, follows or is mentioned, or blocks or is blocked, so what remains of
    /// `StatusVisibility.condition` is in the rows: the privacy, the deletion, and for a boost
    /// its original's deletion. A cached row is never stale (an edit, a delete or an unboost
    /// drops it), so a public status read from a link costs no statement once cached.
    static func signedOut(_ id: Int64, cache: EntityCache<Int64, StatusRecord>) -> Seen? {
        guard let status = cache.value(id, countingMiss: false) else { return nil }
        let everyone = [StatusPrivacy.public.rawValue, StatusPrivacy.unlisted.rawValue]
        guard everyone.contains(status.privacy), status.deletedAt == nil else { return .hidden }
        guard let originalID = status.boostOfID else { return .shown(StatusRows(statuses: [status], originals: [:])) }
        guard let original = cache.value(originalID, countingMiss: false) else { return nil }
        guard original.deletedAt == nil else { return .hidden }
        return .shown(StatusRows(statuses: [status], originals: [originalID: original]))
    }
}

/// A row of a list before its status is read: the status's id and the id it boosts.
struct StatusEntry: Sendable {
    let id: Int64
    let boostOfID: Int64?

    init(id: Int64, boostOfID: Int64?) { (self.id, self.boostOfID) = (id, boostOfID) }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        boostOfID = try row.decode(column: "boost_of_id", as: Int64?.self)
    }
}

/// Statuses in a list's order, and the statuses its boosts boost.
public struct StatusRows: Sendable {
    public let statuses: [StatusRecord]
    public let originals: [Int64: StatusRecord]
    /// The viewer's likes and boosts of the statuses shown, when the list's statement read them
    /// too (a home page's); nil leaves them to `StatusPageLoader`.
    var flags: ViewerFlags? = nil
}

/// Which of a page's shown statuses the viewer liked and boosted.
struct ViewerFlags: Sendable {
    var liked: Set<Int64> = []
    var boosted: Set<Int64> = []

    /// The `what` of a row `arms` reads: a like, or a boost.
    static let like = 1, boost = 2

    /// Two UNION ALL arms reading `viewer`'s likes (the likes primary key) and boosts
    /// (`statuses_boost`) of `statuses`, an IN list's contents (binds, or a subquery): a row
    /// each of `what` (`like` or `boost`), `id` (the status liked or boosted), then `rest` (the
    /// columns the statement's other arms have).
    static func arms(viewer: Int64, of statuses: SQLQueryString, rest: String) -> SQLQueryString {
        """
        SELECT \(unsafeRaw: "\(like)") AS what, l.status_id AS id\(unsafeRaw: rest) FROM likes l
        WHERE l.user_id = \(bind: viewer) AND l.status_id IN (\(statuses))
        UNION ALL
        SELECT \(unsafeRaw: "\(boost)") AS what, s.boost_of_id AS id\(unsafeRaw: rest) FROM statuses s
        WHERE s.user_id = \(bind: viewer) AND s.boost_of_id IN (\(statuses))
        """
    }
}

extension StatusRecord {
    /// What a cached status costs, roughly: the record and its texts, and its kept JSON, which
    /// holds the texts again.
    var cacheBytes: Int {
        let texts = [title, quote, position, contentWarning]
        let textBytes = body.utf8.count + kind.utf8.count + privacy.utf8.count + texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
        return 224 + RenderedBytes.status + 2 * textBytes
    }
}
