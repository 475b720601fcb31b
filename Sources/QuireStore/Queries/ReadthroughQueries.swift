import SQLKit

public struct ReadthroughRecord: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let editionID: Int64
    public var startedOn: String?
    public var finishedOn: String?
    public var stoppedOn: String?
    public var progress: Int?
    public var progressMode: String
    public let createdAt: Int64
    public var updatedAt: Int64

    public init(userID: Int64, editionID: Int64) {
        id = 0
        self.userID = userID
        self.editionID = editionID
        progressMode = "pages"
        createdAt = 0
        updatedAt = 0
    }

    static let columns = ["id", "user_id", "edition_id", "started_on", "finished_on", "stopped_on", "progress", "progress_mode", "created_at", "updated_at"]

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        userID = try row.decode(column: "user_id", as: Int64.self)
        editionID = try row.decode(column: "edition_id", as: Int64.self)
        startedOn = try row.decode(column: "started_on", as: String?.self)
        finishedOn = try row.decode(column: "finished_on", as: String?.self)
        stoppedOn = try row.decode(column: "stopped_on", as: String?.self)
        progress = try row.decode(column: "progress", as: Int?.self)
        progressMode = try row.decode(column: "progress_mode", as: String.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        updatedAt = try row.decode(column: "updated_at", as: Int64.self)
    }
}

/// A user's read-throughs of an edition: start, finish or stop dates and progress.
public enum ReadthroughQueries {
    public static func create(_ r: ReadthroughRecord, on db: any SQLDatabase) async throws -> ReadthroughRecord {
        let now = Timestamp.microsecondsNow()
        let row = try await db.raw("""
            INSERT INTO readthroughs (user_id, edition_id, started_on, finished_on, stopped_on, progress, progress_mode, created_at, updated_at)
            VALUES (\(bind: r.userID), \(bind: r.editionID), \(bind: r.startedOn), \(bind: r.finishedOn), \(bind: r.stoppedOn),
                    \(bind: r.progress), \(bind: r.progressMode), \(bind: now), \(bind: now))
            RETURNING \(unsafeRaw: ReadthroughRecord.columns.joined(separator: ", "))
            """).first()
        guard let row else { throw DatabaseError.unavailable("inserting a read-through returned no row") }
        return try ReadthroughRecord(row: row)
    }

    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> ReadthroughRecord? {
        try await db.select().columns(ReadthroughRecord.columns.map { SQLColumn($0) }).from("readthroughs")
            .where("id", .equal, id).first().map(ReadthroughRecord.init)
    }

    public static func update(_ r: ReadthroughRecord, on db: any SQLDatabase) async throws -> ReadthroughRecord? {
        try await db.update("readthroughs")
            .set("started_on", to: r.startedOn).set("finished_on", to: r.finishedOn).set("stopped_on", to: r.stoppedOn)
            .set("progress", to: r.progress).set("progress_mode", to: r.progressMode).set("updated_at", to: Timestamp.microsecondsNow())
            .where("id", .equal, r.id)
            .returning(ReadthroughRecord.columns.map { SQLColumn($0) }).first().map(ReadthroughRecord.init)
    }

    public static func delete(_ id: Int64, on db: any SQLDatabase) async throws {
        try await db.delete(from: "readthroughs").where("id", .equal, id).run()
    }

    /// A page of the user's read-throughs of one edition, newest first, through `readthroughs_user_edition`.
    public static func list(userID: Int64, editionID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ReadthroughRecord] {
        try await db.select().columns(ReadthroughRecord.columns.map { SQLColumn($0) }).from("readthroughs")
            .where("user_id", .equal, userID).where("edition_id", .equal, editionID).where("id", .lessThan, before ?? Int64.max)
            .orderBy("id", .descending).limit(limit).all().map(ReadthroughRecord.init)
    }
}
