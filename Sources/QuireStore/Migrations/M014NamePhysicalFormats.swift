import QuireCore
import SQLKit

/// `editions.physical_format` made one of the API's words (`PhysicalFormat.named`): imports stored
/// another service's word as written ("Hardcover", "Kindle Edition"), which no client reading the
/// API's documented values expects. Only the editions holding another word are read, in keyset
/// batches of 1,000, each batch written in one statement; one pass over `editions`.
let m014NamePhysicalFormats = Migration(version: 14, name: "name physical formats", backfill: namePhysicalFormats) { _ in [] }

@Sendable private func namePhysicalFormats(_ db: any SQLDatabase) async throws {
    var after: Int64 = 0
    while true {
        let rows = try await db.raw("""
            SELECT id, physical_format FROM editions
            WHERE id > \(bind: after) AND physical_format IS NOT NULL AND physical_format NOT IN (\(binds: PhysicalFormat.all))
            ORDER BY id LIMIT 1000
            """).all()
        guard let last = rows.last else { return }
        after = try last.decode(column: "id", as: Int64.self)
        let formats = try rows.map { row in
            (id: try row.decode(column: "id", as: Int64.self),
             value: PhysicalFormat.named(try row.decode(column: "physical_format", as: String.self)))
        }
        try await EditionQueries.set("physical_format", formats, on: db)
    }
}
