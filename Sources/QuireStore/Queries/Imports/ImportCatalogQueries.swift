import QuireCore
import SQLKit

/// The catalog as an import sees it: a whole batch of rows looked up with one statement per kind
/// of key, in the order rows are matched (ISBN-13, then OpenLibrary edition key, then the folded
/// title and first author).
public struct CatalogMatches: Sendable {
    public var byISBN13: [String: EditionRecord] = [:]
    public var byOpenLibraryKey: [String: EditionRecord] = [:]
    /// The oldest edition with each key.
    public var byMatchKey: [String: EditionRecord] = [:]

    public init() {}

    public func edition(isbn13: String?, openlibraryKey: String?, matchKey: String?) -> EditionRecord? {
        if let isbn13, let found = byISBN13[isbn13] { return found }
        if let openlibraryKey, let found = byOpenLibraryKey[openlibraryKey] { return found }
        if let matchKey, let found = byMatchKey[matchKey] { return found }
        return nil
    }

    /// Makes an edition made by this batch findable by the batch's later rows.
    public mutating func add(_ edition: EditionRecord, matchKey: String?) {
        if let isbn13 = edition.isbn13 { byISBN13[isbn13] = edition }
        if let key = edition.openlibraryKey { byOpenLibraryKey[key] = byOpenLibraryKey[key] ?? edition }
        if let matchKey { byMatchKey[matchKey] = byMatchKey[matchKey] ?? edition }
    }
}

public enum ImportCatalogQueries {
    /// At most three statements, through `editions_isbn_13`, `editions_openlibrary_key` and
    /// `editions_match_key`.
    public static func lookup(
        isbn13s: Set<String>, openlibraryKeys: Set<String>, matchKeys: Set<String>, on db: any SQLDatabase
    ) async throws -> CatalogMatches {
        var matches = CatalogMatches()
        let columns = EditionRecord.columns.map { SQLColumn($0) }
        if !isbn13s.isEmpty {
            for row in try await db.select().columns(columns).from("editions").where("isbn_13", .in, Array(isbn13s)).all() {
                let edition = try EditionRecord(row: row)
                if let isbn13 = edition.isbn13 { matches.byISBN13[isbn13] = edition }
            }
        }
        if !openlibraryKeys.isEmpty {
            let rows = try await db.select().columns(columns).from("editions")
                .where("openlibrary_key", .in, Array(openlibraryKeys)).orderBy("id").all()
            for row in rows {
                let edition = try EditionRecord(row: row)
                if let key = edition.openlibraryKey, matches.byOpenLibraryKey[key] == nil { matches.byOpenLibraryKey[key] = edition }
            }
        }
        if !matchKeys.isEmpty {
            let rows = try await db.select().columns(columns + [SQLColumn("match_key")]).from("editions")
                .where("match_key", .in, Array(matchKeys)).orderBy("id").all()
            for row in rows {
                let key = try row.decode(column: "match_key", as: String.self)
                if matches.byMatchKey[key] == nil { matches.byMatchKey[key] = try EditionRecord(row: row) }
            }
        }
        return matches
    }
}
