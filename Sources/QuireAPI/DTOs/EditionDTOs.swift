import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// `POST /v1/editions` and `PATCH /v1/editions/{id}`: every field optional at decoding so the
/// validation can name what is missing or wrong.
struct EditionInput: Decodable {
    var title: String?
    var subtitle: String?
    var description: String?
    var languages: [String]?
    var pages: Int?
    var publishers: [String]?
    var publishedDate: String?
    var physicalFormat: String?
    var isbn10: String?
    var isbn13: String?
    var openlibraryKey: String?
    var goodreadsKey: String?
    var authors: [String]?
    var authorIds: [Int64]?
    var workId: Int64?

    enum CodingKeys: String, CodingKey {
        case title, subtitle, description, languages, pages, publishers, publishedDate, physicalFormat
        // convertFromSnakeCase turns isbn_10 into isbn10 before matching.
        case isbn10 = "isbn10", isbn13 = "isbn13", openlibraryKey, goodreadsKey, authors, authorIds, workId
    }
}

public struct AuthorSummary: Encodable, Sendable {
    public let id: Int64
    public let name: String

    /// `[{"id": ..., "name": ...}, ...]`, as editions and statuses show a book's authors.
    static func write(_ authors: [AuthorSummary], to w: inout JSONWriter) {
        w.beginArray()
        for author in authors {
            w.beginObject()
            w.key("id"); w.int(author.id)
            w.key("name"); w.string(author.name)
            w.endObject()
        }
        w.endArray()
    }
}

public struct EditionResponse: FieldSelectable {
    public let id: Int64
    public let workId: Int64
    public let title: String
    public let subtitle: String?
    public let description: String?
    public let languages: [String]
    public let pages: Int?
    public let publishers: [String]
    public let publishedDate: String?
    public let physicalFormat: String?
    public let isbn10: String?
    public let isbn13: String?
    public let openlibraryKey: String?
    public let goodreadsKey: String?
    public let authors: [AuthorSummary]
    public let createdAt: Date
    public let updatedAt: Date

    static let fieldNames = [
        "id", "work_id", "title", "subtitle", "description", "languages", "pages", "publishers", "published_date",
        "physical_format", "isbn_10", "isbn_13", "openlibrary_key", "goodreads_key", "authors", "created_at", "updated_at",
    ]

    enum CodingKeys: String, CodingKey {
        case id, workId, title, subtitle, description, languages, pages, publishers, publishedDate, physicalFormat
        // Written out: convertToSnakeCase would make isbn10 of isbn10, not isbn_10.
        case isbn10 = "isbn_10", isbn13 = "isbn_13", openlibraryKey, goodreadsKey, authors, createdAt, updatedAt
    }

    public init(_ edition: EditionRecord, authors: [AuthorRecord]) {
        id = edition.id
        workId = edition.workID
        title = edition.title
        subtitle = edition.subtitle
        description = edition.description
        languages = edition.languages
        pages = edition.pages
        publishers = edition.publishers
        publishedDate = edition.publishedDate
        physicalFormat = edition.physicalFormat
        isbn10 = edition.isbn10
        isbn13 = edition.isbn13
        openlibraryKey = edition.openlibraryKey
        goodreadsKey = edition.goodreadsKey
        self.authors = authors.map { AuthorSummary(id: $0.id, name: $0.name) }
        createdAt = Timestamp.date(microseconds: edition.createdAt)
        updatedAt = Timestamp.date(microseconds: edition.updatedAt)
    }

    /// An edition read as `EditionQueries.findWithAuthors` answers it.
    init(_ found: EditionWithAuthors) {
        self.init(found.edition, authors: found.authors)
    }
}

extension EditionResponse: JSONWritable {
    /// The edition as JSONEncoder writes it (fields without a value left out), by hand: editions
    /// fill the shelf, search and ISBN responses. JSONWriterTests holds the two to the same output.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        writeFields(to: &w)
        w.endObject()
    }

    /// The fields without the braces, so a shelved book can add its own beside them.
    func writeFields(to w: inout JSONWriter) {
        if w.key("id") { w.int(id) }
        if w.key("work_id") { w.int(workId) }
        if w.key("title") { w.string(title) }
        if let subtitle, w.key("subtitle") { w.string(subtitle) }
        if let description, w.key("description") { w.string(description) }
        if w.key("languages") { Self.write(languages, to: &w) }
        if let pages, w.key("pages") { w.int(pages) }
        if w.key("publishers") { Self.write(publishers, to: &w) }
        if let publishedDate, w.key("published_date") { w.string(publishedDate) }
        if let physicalFormat, w.key("physical_format") { w.string(physicalFormat) }
        if let isbn10, w.key("isbn_10") { w.string(isbn10) }
        if let isbn13, w.key("isbn_13") { w.string(isbn13) }
        if let openlibraryKey, w.key("openlibrary_key") { w.string(openlibraryKey) }
        if let goodreadsKey, w.key("goodreads_key") { w.string(goodreadsKey) }
        if w.key("authors") { AuthorSummary.write(authors, to: &w) }
        if w.key("created_at") { w.date(createdAt) }
        if w.key("updated_at") { w.date(updatedAt) }
    }

    /// `writeFields` of an edition as the editions cache holds it, from the JSON kept with it
    /// (`Rendered`) unless `?fields=` picks among them.
    static func writeFields(_ found: EditionWithAuthors, to w: inout JSONWriter) {
        guard w.keepsEveryField else { return EditionResponse(found).writeFields(to: &w) }
        w.fields(found.rendered.get { JSONWriter.fields { EditionResponse(found).writeFields(to: &$0) } })
    }

    private static func write(_ strings: [String], to w: inout JSONWriter) {
        w.beginArray()
        for string in strings { w.string(string) }
        w.endArray()
    }
}
