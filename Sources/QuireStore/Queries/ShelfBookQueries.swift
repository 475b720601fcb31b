import QuireCore
import SQLKit

/// A book on a shelf: the edition and when it was put there.
public struct ShelvedBook: Sendable {
    public let shelvingID: Int64
    public let shelvedAt: Int64
    public let edition: EditionRecord
}

public enum ShelvingResult: Sendable, Equatable {
    case shelved
    case alreadyOnShelf
}

/// A shelving as a books page shows it.
struct Shelving: Sendable {
    let id: Int64
    let shelvedAt: Int64
    let editionID: Int64

    /// The shelving in `row`'s `id`, `shelved_at` and `edition_id`; nil when `id` is NULL (the
    /// LEFT JOIN of a shelf with no books).
    init?(row: any SQLRow) throws {
        guard let id = try row.decode(column: "id", as: Int64?.self) else { return nil }
        self.id = id
        self.shelvedAt = try row.decode(column: "shelved_at", as: Int64.self)
        self.editionID = try row.decode(column: "edition_id", as: Int64.self)
    }
}

/// A shelf as its books page reads it: who owns it and who may see it, and its newest shelvings,
/// all it has when `complete`.
public struct ShelfHead: Sendable {
    public let userID: Int64
    public let privacy: String
    let newest: [Shelving]
    let complete: Bool

    /// Whether `newest` holds a first page of `count` rows.
    func covers(_ count: Int) -> Bool { complete || newest.count >= count }
}

public enum ShelfBookQueries {
    /// Shelf `id`'s owner and privacy and its newest `count` shelvings, or nil when there is no
    /// such shelf: from the shelves cache when it holds that many (or all there are), otherwise
    /// in one statement through the primary key and `shelf_books_shelf`, then cached. A shelf's
    /// first page is read by everyone who opens the shelf, and changes only when its owner
    /// shelves, unshelves or edits it (`CacheKey.shelf`); it took a statement for the shelf and
    /// one for its shelvings on every read.
    public static func head(_ id: Int64, covering count: Int, on db: any SQLDatabase) async throws -> ShelfHead? {
        let cache = db.readCaches?.shelves
        if let cached = cache?.value(id), cached.covers(count) { return cached }
        let generation = cache?.generation ?? 0
        let rows = try await db.raw("""
            SELECT s.user_id, s.privacy, b.id, b.shelved_at, b.edition_id FROM shelves s
            LEFT JOIN (SELECT id, shelved_at, edition_id FROM shelf_books WHERE shelf_id = \(bind: id) ORDER BY id DESC LIMIT \(bind: count)) b ON 1 = 1
            WHERE s.id = \(bind: id)
            ORDER BY b.id DESC
            """).all()
        guard let first = rows.first else { return nil }
        let newest = try rows.compactMap { try Shelving(row: $0) }
        let head = ShelfHead(userID: try first.decode(column: "user_id", as: Int64.self), privacy: try first.decode(column: "privacy", as: String.self),
                             newest: newest, complete: newest.count < count)
        cache?.store(id, head, bytes: 96 + 24 * newest.count, generation: generation)
        return head
    }

    /// A page of shelf `head`'s books, newest first: a first page from the head, a later one in
    /// one statement through `shelf_books_shelf`; then their editions (`books`).
    public static func list(_ head: ShelfHead, shelfID: Int64, before: Int64?, limit: Int,
                            on db: any SQLDatabase) async throws -> ([ShelvedBook], [Int64: [AuthorRecord]]) {
        if before == nil, head.covers(limit) { return try await books(Array(head.newest.prefix(limit)), on: db) }
        return try await list(shelfID: shelfID, before: before, limit: limit, on: db)
    }

    /// A page of a shelf's books, newest first: the shelvings in one statement through
    /// `shelf_books_shelf`, then their editions (`books`). Returns the books and their works'
    /// authors.
    public static func list(shelfID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> ([ShelvedBook], [Int64: [AuthorRecord]]) {
        let shelvings = try await db.raw("""
            SELECT id, shelved_at, edition_id FROM shelf_books
            WHERE shelf_id = \(bind: shelfID) AND id < \(bind: before ?? Int64.max)
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all().compactMap { try Shelving(row: $0) }
        return try await books(shelvings, on: db)
    }

    /// The shelvings' editions with authors from `EditionQueries.findWithAuthors(ids:)` (the
    /// process's cache, the rest in one more statement).
    static func books(_ shelvings: [Shelving], on db: any SQLDatabase) async throws -> ([ShelvedBook], [Int64: [AuthorRecord]]) {
        let editions = try await EditionQueries.findWithAuthors(ids: shelvings.map(\.editionID), on: db)
        var books: [ShelvedBook] = []
        var authors: [Int64: [AuthorRecord]] = [:]
        // An edition deleted since its shelving was read is left out, as the join it replaces did.
        for shelving in shelvings {
            guard let found = editions[shelving.editionID] else { continue }
            books.append(ShelvedBook(shelvingID: shelving.id, shelvedAt: shelving.shelvedAt, edition: found.edition))
            authors[found.edition.workID] = found.authors
        }
        return (books, authors)
    }

    /// Puts an edition on a shelf. On a default shelf it first comes off the user's other default
    /// shelves, as in BookWyrm. Counters move in the lock order of `Counters`.
    /// `at` dates the shelving (an import's date added); by default, now.
    public static func shelve(_ shelf: ShelfRecord, edition: EditionRecord, at shelvedAt: Int64? = nil, on db: any SQLDatabase) async throws -> ShelvingResult {
        try await Counters.lockUser(shelf.userID, on: db)
        if shelf.isDefault {
            // Through shelf_books_user_edition: where this user has this edition now.
            let others = try await db.raw("""
                SELECT sb.shelf_id, s.identifier FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
                WHERE sb.user_id = \(bind: shelf.userID) AND sb.edition_id = \(bind: edition.id)
                  AND s.is_default = \(bind: true) AND sb.shelf_id <> \(bind: shelf.id)
                ORDER BY sb.shelf_id
                """).all()
            for row in others {
                let otherID = try row.decode(column: "shelf_id", as: Int64.self)
                guard let other = DefaultShelf(rawValue: try row.decode(column: "identifier", as: String.self)) else { continue }
                _ = try await remove(shelfID: otherID, defaultShelf: other, userID: shelf.userID, edition: edition, on: db)
            }
        }
        let inserted = try await db.raw("""
            INSERT INTO shelf_books (shelf_id, edition_id, user_id, work_id, shelved_at)
            VALUES (\(bind: shelf.id), \(bind: edition.id), \(bind: shelf.userID), \(bind: edition.workID), \(bind: shelvedAt ?? Timestamp.microsecondsNow()))
            ON CONFLICT (shelf_id, edition_id) DO NOTHING
            RETURNING id
            """).first()
        guard inserted != nil else { return .alreadyOnShelf }
        db.changed(.shelf(shelf.id))
        if let defaultShelf = shelf.defaultShelf {
            try await Counters.addUserBooks(shelf.userID, defaultShelf, 1, on: db)
        }
        try await Counters.addShelfBooks(shelf.id, 1, on: db)
        try await Counters.addWorkShelving(shelf.userID, edition.workID, 1, on: db)
        return .shelved
    }

    /// The ids of the user's shelves holding the edition, through `shelf_books_user_edition`.
    public static func shelfIDs(userID: Int64, editionID: Int64, on db: any SQLDatabase) async throws -> Set<Int64> {
        let rows = try await db.raw("""
            SELECT shelf_id FROM shelf_books WHERE user_id = \(bind: userID) AND edition_id = \(bind: editionID)
            """).all()
        return Set(try rows.map { try $0.decode(column: "shelf_id", as: Int64.self) })
    }

    /// Takes an edition off a shelf; returns whether it was there.
    public static func unshelve(_ shelf: ShelfRecord, edition: EditionRecord, on db: any SQLDatabase) async throws -> Bool {
        try await Counters.lockUser(shelf.userID, on: db)
        return try await remove(shelfID: shelf.id, defaultShelf: shelf.defaultShelf, userID: shelf.userID, edition: edition, on: db)
    }

    private static func remove(
        shelfID: Int64, defaultShelf: DefaultShelf?, userID: Int64, edition: EditionRecord, on db: any SQLDatabase
    ) async throws -> Bool {
        let deleted = try await db.raw("""
            DELETE FROM shelf_books WHERE shelf_id = \(bind: shelfID) AND edition_id = \(bind: edition.id) RETURNING id
            """).first()
        guard deleted != nil else { return false }
        db.changed(.shelf(shelfID))
        if let defaultShelf {
            try await Counters.addUserBooks(userID, defaultShelf, -1, on: db)
        }
        try await Counters.addShelfBooks(shelfID, -1, on: db)
        try await Counters.addWorkShelving(userID, edition.workID, -1, on: db)
        return true
    }
}
