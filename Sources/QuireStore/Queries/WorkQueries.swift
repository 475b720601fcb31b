import SQLKit

public enum WorkQueries {
    static func create(title: String, authors: [Int64], on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO works (title, created_at) VALUES (\(bind: title), \(bind: Timestamp.microsecondsNow())) RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else {
            throw DatabaseError.unavailable("inserting a work returned no row")
        }
        var seen = Set<Int64>()
        let unique = authors.filter { seen.insert($0).inserted }
        if !unique.isEmpty {
            let insert = db.insert(into: "work_authors").columns("work_id", "author_id", "position")
            for (position, author) in unique.enumerated() {
                insert.values(SQLBind(id), SQLBind(author), SQLBind(position))
            }
            try await insert.run()
        }
        return id
    }

    /// The work with its counters (from `work_counts`, never counted on read).
    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> WorkRecord? {
        guard let row = try await db.raw("""
            SELECT w.id, w.title, coalesce(c.shelved_users, 0) AS shelved_users,
                   coalesce(c.ratings_count, 0) AS ratings_count, coalesce(c.rating_sum, 0) AS rating_sum,
                   coalesce(c.reviews, 0) AS reviews
            FROM works w LEFT JOIN work_counts c ON c.work_id = w.id
            WHERE w.id = \(bind: id)
            """).first() else { return nil }
        return WorkRecord(
            id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
            shelvedUsers: try row.decode(column: "shelved_users", as: Int64.self),
            ratingsCount: try row.decode(column: "ratings_count", as: Int64.self),
            ratingSum: try row.decode(column: "rating_sum", as: Int64.self),
            reviews: try row.decode(column: "reviews", as: Int64.self))
    }

    /// A page of an author's works in id order, through `work_authors_author`.
    public static func byAuthor(_ authorID: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [(id: Int64, title: String)] {
        let rows = try await db.raw("""
            SELECT w.id, w.title FROM work_authors wa JOIN works w ON w.id = wa.work_id
            WHERE wa.author_id = \(bind: authorID) AND wa.work_id > \(bind: after ?? 0)
            ORDER BY wa.work_id LIMIT \(bind: limit)
            """).all()
        return try rows.map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "title", as: String.self)) }
    }
}
