import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// `POST /v1/statuses` and `PATCH /v1/statuses/{id}`: every field optional at decoding so the
/// validation can name what is missing or wrong.
public struct StatusInput: Decodable, Sendable {
    public var type: String?
    public var editionId: Int64?
    public var body: String?
    public var title: String?
    public var rating: Double?
    public var quote: String?
    public var position: String?
    public var progress: Int?
    public var contentWarning: String?
    public var privacy: String?
    public var inReplyToId: Int64?

    public init() {}
}

/// Who posted or did something, as lists show them.
public struct AccountSummary: Encodable, Sendable {
    public let id: Int64
    public let username: String
    public let displayName: String?

    init(_ user: UserRecord) {
        id = user.id
        username = user.username
        displayName = user.displayName
    }
}

/// The book a status is about.
public struct BookSummary: Sendable {
    public let id: Int64
    public let workId: Int64
    public let title: String
    public let authors: [AuthorSummary]
}

/// A status as every endpoint shows it, written by `write(to:)`: every field, null when empty,
/// so clients see one shape for every type. A boost carries the boosted status in `boost_of`, and
/// its own counts and flags are the boosted status's, since those are what a reader acts on.
public final class StatusResponse: JSONWritable {
    public let id: Int64
    public let type: String
    public let account: AccountSummary
    public let book: BookSummary?
    public let title: String?
    public let body: String
    public let rating: Double?
    public let quote: String?
    public let position: String?
    public let progress: Int?
    public let contentWarning: String?
    public let privacy: String
    public let inReplyToId: Int64?
    public let threadId: Int64?
    public let boostOf: StatusResponse?
    public let likesCount: Int64
    public let boostsCount: Int64
    public let repliesCount: Int64
    public let liked: Bool
    public let boosted: Bool
    public let createdAt: Date
    public let editedAt: Date?

    static let fieldNames = [
        "id", "type", "account", "book", "title", "body", "rating", "quote", "position", "progress", "content_warning", "privacy",
        "in_reply_to_id", "thread_id", "boost_of", "likes_count", "boosts_count", "replies_count", "liked", "boosted", "created_at", "edited_at",
    ]

    /// The response for one row of a loaded page, or nil when what it refers to is gone.
    public static func make(_ status: StatusRecord, page: StatusPage) -> StatusResponse? {
        guard let user = page.users[status.userID] else { return nil }
        var boostOf: StatusResponse?
        if status.boostOfID != nil {
            guard let original = page.shown(status), let response = make(original, page: page) else { return nil }
            boostOf = response
        }
        return StatusResponse(status, user: user, page: page, boostOf: boostOf)
    }

    private init(_ status: StatusRecord, user: UserRecord, page: StatusPage, boostOf: StatusResponse?) {
        let counted = status.boostOfID ?? status.id
        let counts = page.counts[counted] ?? StatusCounts()
        id = status.id
        type = status.kind
        account = AccountSummary(user)
        book = status.editionID.flatMap { page.editions[$0] }.map { edition in
            BookSummary(id: edition.id, workId: edition.workID, title: edition.title,
                        authors: (page.authors[edition.workID] ?? []).map { AuthorSummary(id: $0.id, name: $0.name) })
        }
        title = status.title
        body = status.body
        rating = status.rating.map { Double($0) / 2 }
        quote = status.quote
        position = status.position
        progress = status.progress
        contentWarning = status.contentWarning
        privacy = status.privacy
        inReplyToId = status.inReplyToID
        threadId = status.threadID
        self.boostOf = boostOf
        likesCount = counts.likes
        boostsCount = counts.boosts
        repliesCount = counts.replies
        liked = page.liked.contains(counted)
        boosted = page.boosted.contains(counted)
        createdAt = Timestamp.date(microseconds: status.createdAt)
        editedAt = status.editedAt.map { Timestamp.date(microseconds: $0) }
    }
}

extension StatusResponse {
    /// Writes the status by hand (see `JSONWriter` for why not JSONEncoder).
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if w.key("id") { w.int(id) }
        if w.key("type") { w.string(type) }
        if w.key("account") { Self.write(account, to: &w) }
        if w.key("book") {
            if let book {
                w.beginObject()
                w.key("id"); w.int(book.id)
                w.key("work_id"); w.int(book.workId)
                w.key("title"); w.string(book.title)
                w.key("authors")
                AuthorSummary.write(book.authors, to: &w)
                w.endObject()
            } else {
                w.null()
            }
        }
        if w.key("title") { w.string(title) }
        if w.key("body") { w.string(body) }
        if w.key("rating") { w.double(rating) }
        if w.key("quote") { w.string(quote) }
        if w.key("position") { w.string(position) }
        if w.key("progress") { w.int(progress) }
        if w.key("content_warning") { w.string(contentWarning) }
        if w.key("privacy") { w.string(privacy) }
        if w.key("in_reply_to_id") { w.int(inReplyToId) }
        if w.key("thread_id") { w.int(threadId) }
        if w.key("boost_of") { if let boostOf { boostOf.write(to: &w) } else { w.null() } }
        if w.key("likes_count") { w.int(likesCount) }
        if w.key("boosts_count") { w.int(boostsCount) }
        if w.key("replies_count") { w.int(repliesCount) }
        if w.key("liked") { w.bool(liked) }
        if w.key("boosted") { w.bool(boosted) }
        if w.key("created_at") { w.date(createdAt) }
        if w.key("edited_at") { w.date(editedAt) }
        w.endObject()
    }

    static func write(_ account: AccountSummary, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.int(account.id)
        w.key("username"); w.string(account.username)
        // Absent when not set, as the OpenAPI document and /v1/me have it.
        if let displayName = account.displayName { w.key("display_name"); w.string(displayName) }
        w.endObject()
    }
}
