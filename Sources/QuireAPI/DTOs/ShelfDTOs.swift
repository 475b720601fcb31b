import Foundation
import QuireCore
import QuireStore

struct ShelfResponse: FieldSelectable {
    let id: Int64
    let identifier: String
    let name: String
    let privacy: String
    let isDefault: Bool
    let bookCount: Int64
    let createdAt: Date

    static let fieldNames = ["id", "identifier", "name", "privacy", "is_default", "book_count", "created_at"]

    init(_ shelf: ShelfRecord) {
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
/// among both.
struct ShelvedBookResponse: FieldSelectable {
    let edition: EditionResponse
    let shelvedAt: Date

    static let fieldNames = EditionResponse.fieldNames + ["shelved_at"]

    enum CodingKeys: String, CodingKey { case shelvedAt }

    func encode(to encoder: any Encoder) throws {
        try edition.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shelvedAt, forKey: .shelvedAt)
    }

    /// A page of a shelf's books from `limit + 1` fetched rows and their works' authors.
    static func page(_ rows: [ShelvedBook], authors: [Int64: [AuthorRecord]], limit: Int) -> Page<ShelvedBookResponse> {
        Page(rows: rows, limit: limit, cursor: { Cursor([.int($0.shelvingID)]) }, item: {
            ShelvedBookResponse(edition: EditionResponse($0.edition, authors: authors[$0.edition.workID] ?? []),
                                shelvedAt: Timestamp.date(microseconds: $0.shelvedAt))
        })
    }
}

struct ShelfInput: Decodable {
    let name: String?
    let privacy: String?
}
