import QuireCore
import QuireExchange
import SQLKit

/// What an account export reads: everything starts from the reader's own rows through an index
/// on the user, and a batch of books costs the same eight statements whatever it holds (lesson 1:
/// BookWyrm's export OR-joined six relations across the whole edition table, and then ran about
/// twenty queries a book).
///
/// The books are every edition the reader has shelved, read (a read-through), reviewed,
/// commented on or quoted, walked in edition-id order. Each source is read through its
/// (user_id, edition_id) index: `shelf_books_user_edition`, `readthroughs_user_edition`,
/// `statuses_user_edition`.
public enum AccountExportQueries {
    /// A shelf as an export names it.
    public struct ExportShelf: Sendable {
        let identifier: String
        let name: String
        let privacy: String
    }

    /// The statuses an export carries: those about a book.
    static let bookStatusKinds = "('review', 'comment', 'quotation')"

    /// The account and how many books its export will hold (for progress), in one statement: the
    /// count reads the same sources through the same indexes once, when the export starts (a
    /// job's figure, never shown on a read path).
    public static func profile(userID: Int64, on db: any SQLDatabase) async throws -> (profile: ExchangeProfile, books: Int64)? {
        guard let row = try await db.raw("""
            SELECT username, display_name, bio, manually_approves_followers, default_privacy, (
                SELECT count(*) FROM (
                    SELECT edition_id FROM shelf_books WHERE user_id = \(bind: userID)
                    UNION
                    SELECT edition_id FROM readthroughs WHERE user_id = \(bind: userID)
                    UNION
                    SELECT edition_id FROM statuses WHERE user_id = \(bind: userID) AND edition_id IS NOT NULL
                        AND kind IN \(unsafeRaw: bookStatusKinds) AND deleted_at IS NULL
                ) AS books) AS books
            FROM users WHERE id = \(bind: userID)
            """).first() else { return nil }
        let profile = ExchangeProfile(
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String?.self),
            summary: try row.decode(column: "bio", as: String?.self),
            manuallyApprovesFollowers: try row.decode(column: "manually_approves_followers", as: Bool.self),
            defaultPrivacy: try row.decode(column: "default_privacy", as: String.self))
        return (profile, try row.decode(column: "books", as: Int64.self))
    }

    /// The next `limit` edition ids after `after` among the reader's books. Each source gives
    /// its own first `limit` distinct ids (so none reads past what the batch can use), and the
    /// smallest `limit` of their union are the batch: no id below the last one can be missing,
    /// since each source contributed every id of its own up to there.
    public static func editionIDs(userID: Int64, after: Int64, limit: Int, on db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw("""
            SELECT edition_id FROM (
                SELECT edition_id FROM (SELECT DISTINCT edition_id FROM shelf_books
                    WHERE user_id = \(bind: userID) AND edition_id > \(bind: after) ORDER BY edition_id LIMIT \(bind: limit)) AS shelved
                UNION
                SELECT edition_id FROM (SELECT DISTINCT edition_id FROM readthroughs
                    WHERE user_id = \(bind: userID) AND edition_id > \(bind: after) ORDER BY edition_id LIMIT \(bind: limit)) AS read
                UNION
                SELECT edition_id FROM (SELECT DISTINCT edition_id FROM statuses
                    WHERE user_id = \(bind: userID) AND edition_id IS NOT NULL AND edition_id > \(bind: after)
                      AND kind IN \(unsafeRaw: bookStatusKinds) AND deleted_at IS NULL
                    ORDER BY edition_id LIMIT \(bind: limit)) AS posted
            ) AS books ORDER BY edition_id LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "edition_id", as: Int64.self) }
    }

    /// The books with these edition ids, each with everything the reader did with it, in the
    /// order of `ids`: seven statements for the batch (editions, their works, the works' author
    /// links and the authors, shelvings, read-throughs, statuses).
    public static func books(
        userID: Int64, editionIDs ids: [Int64], shelves: [Int64: ExportShelf], on db: any SQLDatabase
    ) async throws -> [ExchangeBook] {
        guard !ids.isEmpty else { return [] }
        let editions = try await editionsWithWorks(ids, on: db)
        let authors = try await authorsByWork(Array(Set(editions.values.map(\.work.id))), on: db)
        let shelvings = try await shelvingsByEdition(userID: userID, ids, shelves: shelves, on: db)
        let readthroughs = try await readthroughsByEdition(userID: userID, ids, on: db)
        let statuses = try await statusesByEdition(userID: userID, ids, on: db)
        return ids.compactMap { id in
            guard let (edition, work) = editions[id].map({ ($0.edition, $0.work) }) else { return nil }
            return ExchangeBook(
                edition: edition, work: work, authors: authors[work.id] ?? [], shelvings: shelvings[id] ?? [],
                readthroughs: readthroughs[id] ?? [], statuses: statuses[id] ?? [])
        }
    }

    /// The reader's shelves by id, read once for the whole export through `shelves_user` (a
    /// reader has at most the four default shelves and `ShelfRules.maxCustomShelves` more), so
    /// a batch's shelvings need no join: a join of a batch against shelves walked PostgreSQL's
    /// whole shelves index once the table was small and analysed.
    public static func shelves(userID: Int64, on db: any SQLDatabase) async throws -> [Int64: ExportShelf] {
        var shelves: [Int64: ExportShelf] = [:]
        for row in try await db.raw("""
            SELECT id, identifier, name, privacy FROM shelves WHERE user_id = \(bind: userID) ORDER BY id
            """).all() {
            shelves[try row.decode(column: "id", as: Int64.self)] = ExportShelf(
                identifier: try row.decode(column: "identifier", as: String.self), name: try row.decode(column: "name", as: String.self),
                privacy: try row.decode(column: "privacy", as: String.self))
        }
        return shelves
    }

    /// The usernames the reader follows, after the followee id `after`, through the follows key.
    public static func follows(userID: Int64, after: Int64, limit: Int, on db: any SQLDatabase) async throws -> [(id: Int64, username: String)] {
        try await db.raw("""
            SELECT f.followee_id AS id, u.username FROM follows f JOIN users u ON u.id = f.followee_id
            WHERE f.follower_id = \(bind: userID) AND f.followee_id > \(bind: after) ORDER BY f.followee_id LIMIT \(bind: limit)
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "username", as: String.self)) }
    }

    /// The usernames the reader has blocked, after the blocked id `after`, through the blocks key.
    public static func blocks(userID: Int64, after: Int64, limit: Int, on db: any SQLDatabase) async throws -> [(id: Int64, username: String)] {
        try await db.raw("""
            SELECT b.blocked_id AS id, u.username FROM blocks b JOIN users u ON u.id = b.blocked_id
            WHERE b.blocker_id = \(bind: userID) AND b.blocked_id > \(bind: after) ORDER BY b.blocked_id LIMIT \(bind: limit)
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "username", as: String.self)) }
    }
}
