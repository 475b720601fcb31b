import SQLKit

public enum AuthorQueries {
    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> AuthorRecord? {
        try await db.select().columns(AuthorRecord.columns.map { SQLColumn($0) }).from("authors")
            .where("id", .equal, id).first().map(AuthorRecord.init)
    }

    /// The authors with these ids that exist, in one statement.
    public static func find(ids: [Int64], on db: any SQLDatabase) async throws -> [AuthorRecord] {
        guard !ids.isEmpty else { return [] }
        return try await db.select().columns(AuthorRecord.columns.map { SQLColumn($0) }).from("authors")
            .where("id", .in, ids).all().map(AuthorRecord.init)
    }

    /// The author with this name (ignoring case), or a new one: catalog entries name authors by name.
    static func findOrCreate(name: String, on db: any SQLDatabase) async throws -> AuthorRecord {
        let key = name.lowercased()
        if let existing = try await db.select().columns(AuthorRecord.columns.map { SQLColumn($0) }).from("authors")
            .where("name_key", .equal, key).orderBy("id").limit(1).first().map(AuthorRecord.init) {
            return existing
        }
        let row = try await db.raw("""
            INSERT INTO authors (name, name_key, created_at) VALUES (\(bind: name), \(bind: key), \(bind: Timestamp.microsecondsNow()))
            RETURNING \(unsafeRaw: AuthorRecord.columns.joined(separator: ", "))
            """).first()
        guard let row else { throw DatabaseError.unavailable("inserting an author returned no row") }
        return try AuthorRecord(row: row)
    }

    /// Every work's authors in order, for a page of works or editions, in one statement.
    public static func byWork(_ workIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: [AuthorRecord]] {
        guard !workIDs.isEmpty else { return [:] }
        let rows = try await db.raw("""
            SELECT wa.work_id, \(unsafeRaw: AuthorRecord.columns.map { "a." + $0 }.joined(separator: ", "))
            FROM work_authors wa JOIN authors a ON a.id = wa.author_id
            WHERE wa.work_id IN (\(binds: Array(Set(workIDs))))
            ORDER BY wa.work_id, wa.position
            """).all()
        var result: [Int64: [AuthorRecord]] = [:]
        for row in rows {
            result[try row.decode(column: "work_id", as: Int64.self), default: []].append(try AuthorRecord(row: row))
        }
        return result
    }
}
