import NIOCore
import QuireCore
import SQLKit

/// A status as stored. A boost is a row of its own pointing at the status it boosts. Every field
/// is `let`: the statuses cache hands the same record to every reader with its JSON kept beside
/// it (`rendered`), which a changed copy would carry along wrong. An edit is a new row read.
///
/// A class, though immutable: a page passes each record through several dictionaries and
/// arrays (the cache's, the page's, its boosts' originals), and copying a struct of seven
/// strings retained each of them every time (retains, releases and frees were a fifth of a warm
/// home page's CPU in a profile); a reference is retained once.
public final class StatusRecord: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let kind: String
    public let editionID: Int64?
    public let workID: Int64?
    public let title: String?
    public let body: String
    public let rating: Int?
    public let quote: String?
    public let position: String?
    public let progress: Int?
    public let contentWarning: String?
    public let privacy: String
    public let inReplyToID: Int64?
    public let threadID: Int64?
    public let boostOfID: Int64?
    public let createdAt: Int64
    public let editedAt: Int64?
    public let deletedAt: Int64?
    /// Its own JSON fields, once a response has written them (the API's `StatusResponse`).
    public let rendered = Rendered<[ByteBuffer]>()

    /// Equal when every stored field is: two reads of the same row.
    public static func == (lhs: StatusRecord, rhs: StatusRecord) -> Bool {
        lhs.id == rhs.id && lhs.userID == rhs.userID && lhs.kind == rhs.kind && lhs.editionID == rhs.editionID && lhs.workID == rhs.workID
            && lhs.title == rhs.title && lhs.body == rhs.body && lhs.rating == rhs.rating && lhs.quote == rhs.quote
            && lhs.position == rhs.position && lhs.progress == rhs.progress && lhs.contentWarning == rhs.contentWarning
            && lhs.privacy == rhs.privacy && lhs.inReplyToID == rhs.inReplyToID && lhs.threadID == rhs.threadID
            && lhs.boostOfID == rhs.boostOfID && lhs.createdAt == rhs.createdAt && lhs.editedAt == rhs.editedAt && lhs.deletedAt == rhs.deletedAt
    }

    static let columns = ["id", "user_id", "kind", "edition_id", "work_id", "title", "body", "rating", "quote", "position", "progress",
                          "content_warning", "privacy", "in_reply_to_id", "thread_id", "boost_of_id", "created_at", "edited_at", "deleted_at"]

    static func columns(_ alias: String) -> String { columns.map { "\(alias).\($0)" }.joined(separator: ", ") }

    /// For building pages without a database (Benchmarks/Micro).
    public init(id: Int64, userID: Int64, kind: String, editionID: Int64? = nil, workID: Int64? = nil, title: String? = nil, body: String,
                rating: Int? = nil, contentWarning: String? = nil, privacy: String = "public", inReplyToID: Int64? = nil,
                boostOfID: Int64? = nil, createdAt: Int64) {
        (self.id, self.userID, self.kind, self.editionID, self.workID, self.title, self.body) = (id, userID, kind, editionID, workID, title, body)
        (self.rating, self.quote, self.position, self.progress, self.contentWarning, self.privacy) = (rating, nil, nil, nil, contentWarning, privacy)
        (self.inReplyToID, self.threadID, self.boostOfID, self.createdAt, self.editedAt, self.deletedAt) = (inReplyToID, inReplyToID, boostOfID, createdAt, nil, nil)
    }

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        userID = try row.decode(column: "user_id", as: Int64.self)
        kind = try row.decode(column: "kind", as: String.self)
        editionID = try row.decode(column: "edition_id", as: Int64?.self)
        workID = try row.decode(column: "work_id", as: Int64?.self)
        title = try row.decode(column: "title", as: String?.self)
        body = try row.decode(column: "body", as: String.self)
        rating = try row.decode(column: "rating", as: Int?.self)
        quote = try row.decode(column: "quote", as: String?.self)
        position = try row.decode(column: "position", as: String?.self)
        progress = try row.decode(column: "progress", as: Int?.self)
        contentWarning = try row.decode(column: "content_warning", as: String?.self)
        privacy = try row.decode(column: "privacy", as: String.self)
        inReplyToID = try row.decode(column: "in_reply_to_id", as: Int64?.self)
        threadID = try row.decode(column: "thread_id", as: Int64?.self)
        boostOfID = try row.decode(column: "boost_of_id", as: Int64?.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        editedAt = try row.decode(column: "edited_at", as: Int64?.self)
        deletedAt = try row.decode(column: "deleted_at", as: Int64?.self)
    }
}

/// A status to post; the store fills in the thread, mentions, counters and timelines.
public struct NewStatus: Sendable {
    public var userID: Int64
    public var kind: StatusKind
    public var edition: EditionRecord?
    public var title: String?
    public var body: String
    public var rating: Int?
    public var quote: String?
    public var position: String?
    public var progress: Int?
    public var contentWarning: String?
    public var privacy: StatusPrivacy
    public var inReplyToID: Int64?

    public init(userID: Int64, kind: StatusKind, edition: EditionRecord?, body: String, privacy: StatusPrivacy) {
        self.userID = userID
        self.kind = kind
        self.edition = edition
        self.body = body
        self.privacy = privacy
    }
}
