import Foundation
import SQLKit

/// An edition as stored. `languages` and `publishers` are JSON arrays in TEXT columns.
public struct EditionRecord: Sendable, Equatable {
    public let id: Int64
    public let workID: Int64
    public var title: String
    public var subtitle: String?
    public var description: String?
    public var languages: [String]
    public var pages: Int?
    public var publishers: [String]
    public var publishedDate: String?
    public var physicalFormat: String?
    public var isbn10: String?
    public var isbn13: String?
    public var openlibraryKey: String?
    public var goodreadsKey: String?
    public let createdBy: Int64?
    public let createdAt: Int64
    public var updatedAt: Int64

    static let columns = [
        "id", "work_id", "title", "subtitle", "description", "languages", "pages", "publishers", "published_date",
        "physical_format", "isbn_10", "isbn_13", "openlibrary_key", "goodreads_key", "created_by", "created_at", "updated_at",
    ]

    /// The columns qualified with a table alias, for joins.
    static func columns(_ alias: String) -> String { columns.map { "\(alias).\($0)" }.joined(separator: ", ") }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        workID = try row.decode(column: "work_id", as: Int64.self)
        title = try row.decode(column: "title", as: String.self)
        subtitle = try row.decode(column: "subtitle", as: String?.self)
        description = try row.decode(column: "description", as: String?.self)
        languages = JSONList.decode(try row.decode(column: "languages", as: String?.self))
        pages = try row.decode(column: "pages", as: Int?.self)
        publishers = JSONList.decode(try row.decode(column: "publishers", as: String?.self))
        publishedDate = try row.decode(column: "published_date", as: String?.self)
        physicalFormat = try row.decode(column: "physical_format", as: String?.self)
        isbn10 = try row.decode(column: "isbn_10", as: String?.self)
        isbn13 = try row.decode(column: "isbn_13", as: String?.self)
        openlibraryKey = try row.decode(column: "openlibrary_key", as: String?.self)
        goodreadsKey = try row.decode(column: "goodreads_key", as: String?.self)
        createdBy = try row.decode(column: "created_by", as: Int64?.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        updatedAt = try row.decode(column: "updated_at", as: Int64.self)
    }
}

public struct AuthorRecord: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let openlibraryKey: String?
    public let goodreadsKey: String?

    static let columns = ["id", "name", "openlibrary_key", "goodreads_key"]

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        name = try row.decode(column: "name", as: String.self)
        openlibraryKey = try row.decode(column: "openlibrary_key", as: String?.self)
        goodreadsKey = try row.decode(column: "goodreads_key", as: String?.self)
    }
}

public struct WorkRecord: Sendable, Equatable {
    public let id: Int64
    public let title: String
    /// From `work_counts`; never counted when read.
    public let shelvedUsers: Int64
    public let ratingsCount: Int64
    /// In half stars.
    public let ratingSum: Int64
    public var reviews: Int64 = 0
}

extension AuthorRecord {
    /// An author as a page of statuses shows it: the name, not the catalog keys.
    init(id: Int64, name: String) {
        self.id = id
        self.name = name
        openlibraryKey = nil
        goodreadsKey = nil
    }
}
