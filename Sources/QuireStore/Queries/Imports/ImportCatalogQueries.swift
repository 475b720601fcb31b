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

extension ImportCatalogQueries {
    /// Makes the editions a batch found nowhere in the catalog, with their works and authors
    /// (found by name, or made), four statements whatever their number: authors read, authors
    /// made, works made with their author links, editions made. Returns the editions in the
    /// order given. The caller has looked each ISBN up in the same transaction; an ISBN another
    /// transaction added since fails the batch, which its job then retries.
    public static func create(_ books: [NewEdition], on db: any SQLDatabase) async throws -> [EditionRecord] {
        guard !books.isEmpty else { return [] }
        let now = Timestamp.microsecondsNow()
        // Authors by name, as `AuthorQueries.findOrCreate` finds them.
        var authorIDs: [String: AuthorRecord] = [:]
        let keys = Set(books.flatMap { $0.authorNames.map { $0.lowercased() } })
        if !keys.isEmpty {
            let found = try await db.raw("""
                SELECT id, name, name_key FROM authors WHERE name_key IN (\(binds: Array(keys))) ORDER BY id
                """).all()
            for row in found {
                let key = try row.decode(column: "name_key", as: String.self)
                if authorIDs[key] == nil {
                    authorIDs[key] = AuthorRecord(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self))
                }
            }
            var missing: [(name: String, key: String)] = []
            var seen = Set(authorIDs.keys)
            for name in books.flatMap(\.authorNames) where seen.insert(name.lowercased()).inserted { missing.append((name, name.lowercased())) }
            if !missing.isEmpty {
                let made = try await db.raw("""
                    INSERT INTO authors (name, name_key, created_at) VALUES \(SQLQueryString.valueRows(missing.map { [$0.name, $0.key, now] as [any Encodable & Sendable] }))
                    RETURNING id, name, name_key
                    """).all()
                for row in made {
                    authorIDs[try row.decode(column: "name_key", as: String.self)] =
                        AuthorRecord(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self))
                }
            }
        }
        // Works, in the order given: RETURNING lists inserted rows in VALUES order on both
        // engines; the titles are checked so that a difference can never pair a work wrongly.
        let works = try await db.raw("""
            INSERT INTO works (title, created_at) VALUES \(SQLQueryString.valueRows(books.map { [$0.title, now] as [any Encodable & Sendable] }))
            RETURNING id, title
            """).all()
        guard works.count == books.count else { throw DatabaseError.unexpected("inserting works returned \(works.count) rows for \(books.count)") }
        var workIDs: [Int64] = []
        for (row, book) in zip(works, books) {
            guard try row.decode(column: "title", as: String.self) == book.title else {
                throw DatabaseError.unexpected("inserted works came back out of order")
            }
            workIDs.append(try row.decode(column: "id", as: Int64.self))
        }
        var links: [[any Encodable & Sendable]] = []
        var authorsByWork: [Int64: [AuthorRecord]] = [:]
        for (workID, book) in zip(workIDs, books) {
            var seen = Set<Int64>()
            let authors = book.authorNames.compactMap { authorIDs[$0.lowercased()] }.filter { seen.insert($0.id).inserted }
            authorsByWork[workID] = authors
            for (position, author) in authors.enumerated() { links.append([workID, author.id, position]) }
        }
        if !links.isEmpty {
            try await db.raw("INSERT INTO work_authors (work_id, author_id, position) VALUES \(SQLQueryString.valueRows(links))").run()
        }
        db.changed(.catalog)
        let editions = try await db.raw("""
            INSERT INTO editions (work_id, title, subtitle, description, languages, pages, publishers, published_date,
                physical_format, isbn_10, isbn_13, openlibrary_key, goodreads_key, author_names, match_key, created_by, created_at, updated_at)
            VALUES \(SQLQueryString.valueRows(zip(workIDs, books).map { workID, book in
                let authors = authorsByWork[workID] ?? []
                return [workID, book.title, book.subtitle, book.description, JSONList.encode(book.languages), book.pages,
                        JSONList.encode(book.publishers), book.publishedDate, book.physicalFormat, book.isbn10, book.isbn13,
                        book.openlibraryKey, book.goodreadsKey, authors.map(\.name).joined(separator: " "),
                        CatalogMatchKey.make(title: book.title, firstAuthor: authors.first?.name), book.createdBy, now, now]
            }))
            RETURNING \(unsafeRaw: EditionRecord.columns.joined(separator: ", "))
            """).all().map(EditionRecord.init)
        let byWork = Dictionary(editions.map { ($0.workID, $0) }, uniquingKeysWith: { a, _ in a })
        return try workIDs.map { workID in
            guard let edition = byWork[workID] else { throw DatabaseError.unexpected("an inserted edition did not come back") }
            return edition
        }
    }
}
