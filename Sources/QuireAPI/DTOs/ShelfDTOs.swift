import Foundation
import Hummingbird
import QuireCore
import QuireStore

public struct ShelfResponse: FieldSelectable {
    public let id: Int64
    public let identifier: String
    public let name: String
    public let privacy: String
    public let isDefault: Bool
    public let bookCount: Int64
    public let createdAt: Date

    static let fieldNames = ["id", "identifier", "name", "privacy", "is_default", "book_count", "created_at"]

    public init(_ shelf: ShelfRecord) {
        id = shelf.id
        identifier = shelf.identifier
        name = shelf.name
        privacy = shelf.privacy
        isDefault = shelf.isDefault
        bookCount = shelf.bookCount
        createdAt = Timestamp.date(microseconds: shelf.createdAt)
    }
}

/// A book on a shelf: the edition's fields plus when it was shelved, flat, so `?fields=` can pick
/// among both. Written only by JSONWriter (`page`).
enum ShelvedBookResponse: FieldNamed {
    static let fieldNames = EditionResponse.fieldNames + ["shelved_at"]

    /// A page of a shelf's books from `limit + 1` fetched rows and their works' authors.
    static func page(_ rows: [ShelvedBook], authors: [Int64: [AuthorRecord]], limit: Int, selection: FieldSelection) -> Response {
        JSONPage.response(rows, limit: limit, selection: selection, bytesPerItem: 600, cursor: { Cursor([.int($0.shelvingID)]) }) { row, w in
            w.beginObject()
            EditionResponse(row.edition, authors: authors[row.edition.workID] ?? []).writeFields(to: &w)
            if w.key("shelved_at") { w.date(Timestamp.date(microseconds: row.shelvedAt)) }
            w.endObject()
        }
    }
}

struct ShelfInput: Decodable {
    let name: String?
    let privacy: String?
}
