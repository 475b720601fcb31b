import QuireCore
import SQLKit

public struct ShelfRecord: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let identifier: String
    public let name: String
    public let privacy: String
    public let isDefault: Bool
    public let createdAt: Int64
    /// From `shelf_counts`; never counted when read.
    public let bookCount: Int64

    static let select = """
        SELECT s.id, s.user_id, s.identifier, s.name, s.privacy, s.is_default, s.created_at,
               coalesce(c.books, 0) AS book_count
        FROM shelves s LEFT JOIN shelf_counts c ON c.shelf_id = s.id
        """

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        userID = try row.decode(column: "user_id", as: Int64.self)
        identifier = try row.decode(column: "identifier", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        privacy = try row.decode(column: "privacy", as: String.self)
        isDefault = try row.decode(column: "is_default", as: Bool.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        bookCount = try row.decode(column: "book_count", as: Int64.self)
    }

    public var defaultShelf: DefaultShelf? { isDefault ? DefaultShelf(rawValue: identifier) : nil }
}

public enum ShelfQueries {
    /// The four default shelves and the user's counter row, made with the account.
    public static func createDefaults(userID: Int64, privacy: String, on db: any SQLDatabase) async throws {
        let now = Timestamp.microsecondsNow()
        let insert = db.insert(into: "shelves").columns("user_id", "identifier", "name", "privacy", "is_default", "created_at")
        for shelf in DefaultShelf.allCases {
            insert.values(SQLBind(userID), SQLBind(shelf.rawValue), SQLBind(shelf.name), SQLBind(privacy), SQLBind(true), SQLBind(now))
        }
        try await insert.run()
        try await db.raw("INSERT INTO user_counts (user_id) VALUES (\(bind: userID))").run()
    }

    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> ShelfRecord? {
        try await db.raw("\(unsafeRaw: ShelfRecord.select) WHERE s.id = \(bind: id)").first().map(ShelfRecord.init)
    }

    /// A user's shelf by its identifier (`to-read`, `my-favourites`), through `shelves_user_identifier`.
    public static func find(userID: Int64, identifier: String, on db: any SQLDatabase) async throws -> ShelfRecord? {
        try await db.raw("\(unsafeRaw: ShelfRecord.select) WHERE s.user_id = \(bind: userID) AND s.identifier = \(bind: identifier)")
            .first().map(ShelfRecord.init)
    }

    /// A page of a user's shelves in id order, limited to the privacies the viewer may see, in one
    /// statement through `shelves_user`.
    public static func list(userID: Int64, privacies: [String], after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ShelfRecord] {
        try await db.raw("""
            \(unsafeRaw: ShelfRecord.select)
            WHERE s.user_id = \(bind: userID) AND s.id > \(bind: after ?? 0) AND s.privacy IN (\(binds: privacies))
            ORDER BY s.id LIMIT \(bind: limit)
            """).all().map(ShelfRecord.init)
    }

    /// A custom shelf, or nil when the user already has a shelf with this identifier.
    public static func create(userID: Int64, identifier: String, name: String, privacy: String, on db: any SQLDatabase) async throws -> ShelfRecord? {
        let row = try await db.raw("""
            INSERT INTO shelves (user_id, identifier, name, privacy, is_default, created_at)
            VALUES (\(bind: userID), \(bind: identifier), \(bind: name), \(bind: privacy), \(bind: false), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (user_id, identifier) DO NOTHING
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else { return nil }
        return try await find(id, on: db)
    }

    /// Renames or re-scopes a shelf; nil when the new identifier is taken by another of the user's shelves.
    public static func update(_ shelf: ShelfRecord, name: String, identifier: String, privacy: String, on db: any SQLDatabase) async throws -> ShelfRecord? {
        if identifier != shelf.identifier, try await db.select().column("id").from("shelves")
            .where("user_id", .equal, shelf.userID).where("identifier", .equal, identifier).first() != nil {
            return nil
        }
        try await db.update("shelves").set("name", to: name).set("identifier", to: identifier).set("privacy", to: privacy)
            .where("id", .equal, shelf.id).run()
        // A default shelf's privacy decides who sees its count on the profile.
        db.changed(.profileCounts(shelf.userID))
        db.changed(.shelf(shelf.id))
        return try await find(shelf.id, on: db)
    }

    /// Deletes a custom shelf with its books, taking their shelvings off the counters.
    public static func delete(_ shelf: ShelfRecord, on db: any SQLDatabase) async throws {
        try await Counters.lockUser(shelf.userID, on: db)
        let rows = try await db.raw("""
            SELECT work_id FROM shelf_books WHERE shelf_id = \(bind: shelf.id) ORDER BY work_id
            """).all()
        for row in rows {
            try await Counters.addWorkShelving(shelf.userID, try row.decode(column: "work_id", as: Int64.self), -1, on: db)
        }
        try await db.delete(from: "shelf_books").where("shelf_id", .equal, shelf.id).run()
        try await db.delete(from: "shelves").where("id", .equal, shelf.id).run()
        db.changed(.profileCounts(shelf.userID))
        db.changed(.shelf(shelf.id))
    }
}
