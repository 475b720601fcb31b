import NIOCore
import QuireCore
import SQLKit

/// What a new edition is made from. `authorIDs` name existing authors; `authorNames` are found by
/// name or created. Without `workID` a new work is made with the edition's title and authors.
public struct NewEdition: Sendable {
    public var title: String
    public var subtitle: String?
    public var description: String?
    public var languages: [String] = []
    public var pages: Int?
    public var publishers: [String] = []
    public var publishedDate: String?
    public var physicalFormat: String?
    public var isbn10: String?
    public var isbn13: String?
    public var openlibraryKey: String?
    public var goodreadsKey: String?
    public var authorNames: [String] = []
    public var authorIDs: [Int64] = []
    public var workID: Int64?
    public var createdBy: Int64?

    public init(title: String) { self.title = title }
}

public enum EditionCreation: Sendable {
    case created(EditionRecord, [AuthorRecord])
    case isbnTaken(existingID: Int64)
    case unknownAuthors([Int64])
    case unknownWork
}

public enum EditionQueries {
    /// Creates the edition, and the work and authors it names when they don't exist yet, in the
    /// caller's transaction.
    public static func create(_ new: NewEdition, on db: any SQLDatabase) async throws -> EditionCreation {
        if let isbn13 = new.isbn13, let existing = try await find(isbn13: isbn13, on: db) {
            return .isbnTaken(existingID: existing.id)
        }
        var authors = try await AuthorQueries.find(ids: new.authorIDs, on: db)
        let missing = Set(new.authorIDs).subtracting(authors.map(\.id))
        guard missing.isEmpty else { return .unknownAuthors(missing.sorted()) }
        authors = new.authorIDs.compactMap { id in authors.first { $0.id == id } }
        for name in new.authorNames {
            authors.append(try await AuthorQueries.findOrCreate(name: name, on: db))
        }
        let workID: Int64
        if let existing = new.workID {
            guard try await db.select().column("id").from("works").where("id", .equal, existing).first() != nil else { return .unknownWork }
            workID = existing
            authors = try await AuthorQueries.byWork([workID], on: db)[workID] ?? []
        } else {
            workID = try await WorkQueries.create(title: new.title, authors: authors.map(\.id), on: db)
        }
        let now = Timestamp.microsecondsNow()
        db.changed(.catalog)
        let row = try await db.raw("""
            INSERT INTO editions (work_id, title, subtitle, description, languages, pages, publishers, published_date,
                physical_format, isbn_10, isbn_13, openlibrary_key, goodreads_key, author_names, match_key, created_by, created_at, updated_at)
            VALUES (\(bind: workID), \(bind: new.title), \(bind: new.subtitle), \(bind: new.description),
                \(bind: JSONList.encode(new.languages)), \(bind: new.pages), \(bind: JSONList.encode(new.publishers)),
                \(bind: new.publishedDate), \(bind: new.physicalFormat), \(bind: new.isbn10), \(bind: new.isbn13),
                \(bind: new.openlibraryKey), \(bind: new.goodreadsKey), \(bind: authors.map(\.name).joined(separator: " ")),
                \(bind: CatalogMatchKey.make(title: new.title, firstAuthor: authors.first?.name)), \(bind: new.createdBy), \(bind: now), \(bind: now))
            RETURNING \(unsafeRaw: EditionRecord.columns.joined(separator: ", "))
            """).first()
        guard let row else { throw DatabaseError.unavailable("inserting an edition returned no row") }
        return .created(try EditionRecord(row: row), authors)
    }

    public static func find(_ id: Int64, on db: any SQLDatabase) async throws -> EditionRecord? {
        try await db.select().columns(EditionRecord.columns.map { SQLColumn($0) }).from("editions")
            .where("id", .equal, id).first().map(EditionRecord.init)
    }

    /// The edition with its work's authors; outside a write transaction from the process's cache
    /// when it holds it (an edition's edit drops it, see `CacheKey.edition`).
    public static func findWithAuthors(_ id: Int64, on db: any SQLDatabase) async throws -> EditionWithAuthors? {
        let caches = db.readCaches
        if let cached = caches?.editions.value(id) { return cached }
        let generation = caches?.editions.generation ?? 0
        guard let edition = try await find(id, on: db) else { return nil }
        let found = try await withAuthors(edition, on: db)
        caches?.editions.store(id, found, bytes: found.cacheBytes, generation: generation)
        return found
    }

    /// The edition with an ISBN-13, with its work's authors; outside a write transaction from the
    /// process's caches when they hold it, as `findWithAuthors(_:)`.
    public static func findWithAuthors(isbn13: String, on db: any SQLDatabase) async throws -> EditionWithAuthors? {
        guard let caches = db.readCaches else { return try await read(isbn13: isbn13, on: db) }
        if let id = caches.editionISBNs.value(isbn13), let cached = caches.editions.value(id), cached.edition.isbn13 == isbn13 {
            return cached
        }
        let (isbns, editions) = (caches.editionISBNs.generation, caches.editions.generation)
        guard let found = try await read(isbn13: isbn13, on: db) else { return nil }
        caches.editionISBNs.store(isbn13, found.edition.id, bytes: 64 + isbn13.utf8.count, generation: isbns)
        caches.editions.store(found.edition.id, found, bytes: found.cacheBytes, generation: editions)
        return found
    }

    private static func read(isbn13: String, on db: any SQLDatabase) async throws -> EditionWithAuthors? {
        guard let edition = try await find(isbn13: isbn13, on: db) else { return nil }
        return try await withAuthors(edition, on: db)
    }

    private static func withAuthors(_ edition: EditionRecord, on db: any SQLDatabase) async throws -> EditionWithAuthors {
        EditionWithAuthors(edition: edition, authors: try await AuthorQueries.byWork([edition.workID], on: db)[edition.workID] ?? [])
    }

    /// Through the unique index `editions_isbn_13` (ISBN-10s are stored as their ISBN-13 too).
    public static func find(isbn13: String, on db: any SQLDatabase) async throws -> EditionRecord? {
        try await db.select().columns(EditionRecord.columns.map { SQLColumn($0) }).from("editions")
            .where("isbn_13", .equal, isbn13).first().map(EditionRecord.init)
    }

    /// Saves an edited edition; nil when the new ISBN-13 belongs to another edition.
    public static func update(_ edition: EditionRecord, on db: any SQLDatabase) async throws -> EditionRecord? {
        if let isbn13 = edition.isbn13, let other = try await find(isbn13: isbn13, on: db), other.id != edition.id { return nil }
        let firstAuthor = try await AuthorQueries.byWork([edition.workID], on: db)[edition.workID]?.first?.name
        db.changed(.edition(edition.id))
        return try await db.update("editions")
            .set("match_key", to: CatalogMatchKey.make(title: edition.title, firstAuthor: firstAuthor))
            .set("title", to: edition.title).set("subtitle", to: edition.subtitle).set("description", to: edition.description)
            .set("languages", to: JSONList.encode(edition.languages)).set("pages", to: edition.pages)
            .set("publishers", to: JSONList.encode(edition.publishers)).set("published_date", to: edition.publishedDate)
            .set("physical_format", to: edition.physicalFormat).set("isbn_10", to: edition.isbn10).set("isbn_13", to: edition.isbn13)
            .set("openlibrary_key", to: edition.openlibraryKey).set("goodreads_key", to: edition.goodreadsKey)
            .set("updated_at", to: Timestamp.microsecondsNow())
            .where("id", .equal, edition.id)
            .returning(EditionRecord.columns.map { SQLColumn($0) }).first().map(EditionRecord.init)
    }

    /// Sets one text column of many editions, each its own value, in one statement (the
    /// migrations' backfills: match keys, physical formats).
    static func set(_ column: String, _ values: [(id: Int64, value: String?)], on db: any SQLDatabase) async throws {
        guard !values.isEmpty else { return }
        var cases = SQLQueryString("CASE id")
        for (id, value) in values {
            cases.appendInterpolation(unsafeRaw: " WHEN ")
            cases.appendInterpolation(bind: id)
            cases.appendInterpolation(unsafeRaw: " THEN ")
            cases.appendInterpolation(bind: value)
        }
        cases.appendInterpolation(unsafeRaw: " END")
        try await db.raw("UPDATE editions SET \(ident: column) = \(cases) WHERE id IN (\(binds: values.map(\.id)))").run()
    }

    /// A page of a work's editions in id order, through `editions_work`.
    public static func byWork(_ workID: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [EditionRecord] {
        let query = db.select().columns(EditionRecord.columns.map { SQLColumn($0) }).from("editions")
            .where("work_id", .equal, workID)
        if let after { query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(limit).all().map(EditionRecord.init)
    }

    /// Editions by id, for a page of shelved books, in one statement.
    public static func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: EditionRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.select().columns(EditionRecord.columns.map { SQLColumn($0) }).from("editions")
            .where("id", .in, Array(Set(ids))).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { let e = try EditionRecord(row: $0); return (e.id, e) })
    }
}

/// An edition as a read shows it: the row and its work's authors, in order. A class, as
/// `StatusRecord` is: a page of statuses or a search passes each through several dictionaries,
/// and a reference is retained once where the struct retained each of its strings.
public final class EditionWithAuthors: Sendable {
    public let edition: EditionRecord
    public let authors: [AuthorRecord]
    /// Its JSON fields, once a response has written them.
    public let rendered = Rendered<ByteBuffer>()
    /// Its JSON as a status's `book`, once a response has written it.
    public let renderedBook = Rendered<ByteBuffer>()

    public init(edition: EditionRecord, authors: [AuthorRecord]) {
        (self.edition, self.authors) = (edition, authors)
    }

    /// Roughly what the entry holds, for the cache's byte limit.
    var cacheBytes: Int {
        let e = edition
        let texts = [e.title, e.subtitle, e.description, e.publishedDate, e.physicalFormat, e.isbn10, e.isbn13, e.openlibraryKey, e.goodreadsKey]
        return 256 + RenderedBytes.edition + RenderedBytes.summary + texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
            + (e.languages + e.publishers).reduce(0) { $0 + 16 + $1.utf8.count }
            + authors.reduce(0) { $0 + 64 + $1.name.utf8.count + ($1.openlibraryKey?.utf8.count ?? 0) + ($1.goodreadsKey?.utf8.count ?? 0) }
    }
}
