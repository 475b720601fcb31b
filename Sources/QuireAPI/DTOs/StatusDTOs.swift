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
    /// What `write(to:)` writes from: the record and the page it was made from.
    let record: StatusRecord
    let page: StatusPage

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
        book = status.editionID.flatMap { page.books[$0] }.map { found in
            BookSummary(id: found.edition.id, workId: found.edition.workID, title: found.edition.title,
                        authors: found.authors.map { AuthorSummary(id: $0.id, name: $0.name) })
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
        (record, self.page) = (status, page)
    }
}

extension StatusResponse {
    /// Writes the status by hand (see `JSONWriter` for why not JSONEncoder), as its page shows it.
    func write(to w: inout JSONWriter) {
        Self.write(record, page: page, to: &w)
    }

    /// Writes a row of a loaded page, or nothing when `make` would give nil (what it refers to is
    /// gone), without making a `StatusResponse`: a page of statuses is written straight from the
    /// records the caches hold. Unless `?fields=` picks among the status's fields, its own fields,
    /// its account and its book are copied from the JSON kept with their records (`Rendered`):
    /// a home page writes the same statuses for every follower, and writing them field by field
    /// was 13% of a warm home page's CPU in a profile.
    static func write(_ status: StatusRecord, page: StatusPage, to w: inout JSONWriter) {
        guard shows(status, page: page) else { return }
        writeShown(status, page: page, to: &w)
    }

    /// `write` of a status `shows` has passed, with the boosted status it passed too.
    private static func writeShown(_ status: StatusRecord, page: StatusPage, to w: inout JSONWriter) {
        guard let user = page.users[status.userID] else { return }
        w.beginObject()
        // Inside the object: whether `?fields=` applies to its keys.
        let own = w.keepsEveryField ? status.rendered.get { Self.ownFields(status) } : nil
        if let own { w.fields(own[0]) } else { writeHead(status, to: &w) }
        if w.key("account") { w.made(user.renderedAccount.get { JSONWriter.made { write(account: user, to: &$0) } }) }
        if w.key("book") {
            if let found = status.editionID.flatMap({ page.books[$0] }) {
                w.made(found.renderedBook.get { JSONWriter.made { write(book: found, to: &$0) } })
            } else {
                w.null()
            }
        }
        if let own { w.fields(own[1]) } else { writeTexts(status, to: &w) }
        if w.key("boost_of") {
            if let original = status.boostOfID.flatMap({ page.originals[$0] }) { writeShown(original, page: page, to: &w) } else { w.null() }
        }
        // A boost's counts and flags are the boosted status's.
        let counted = status.boostOfID ?? status.id
        let counts = page.counts[counted] ?? StatusCounts()
        if w.key("likes_count") { w.int(counts.likes) }
        if w.key("boosts_count") { w.int(counts.boosts) }
        if w.key("replies_count") { w.int(counts.replies) }
        if w.key("liked") { w.bool(page.liked.contains(counted)) }
        if w.key("boosted") { w.bool(page.boosted.contains(counted)) }
        if let own { w.fields(own[2]) } else { writeTimes(status, to: &w) }
        w.endObject()
    }

    /// Whether a page can show the status: its account is loaded and, for a boost, so is the
    /// boosted status with its own.
    static func shows(_ status: StatusRecord, page: StatusPage) -> Bool {
        guard page.users[status.userID] != nil else { return false }
        guard let original = status.boostOfID else { return true }
        return page.originals[original].map { shows($0, page: page) } ?? false
    }

    /// The status's fields that come from its record alone, in the three runs the other fields
    /// go between: `id` and `type`; `title` to `thread_id`; `created_at` and `edited_at`.
    private static func ownFields(_ status: StatusRecord) -> [ByteBuffer] {
        [JSONWriter.fields(capacity: 64) { writeHead(status, to: &$0) },
         JSONWriter.fields(capacity: 256 + status.body.utf8.count) { writeTexts(status, to: &$0) },
         JSONWriter.fields(capacity: 96) { writeTimes(status, to: &$0) }]
    }

    private static func writeHead(_ status: StatusRecord, to w: inout JSONWriter) {
        if w.key("id") { w.int(status.id) }
        if w.key("type") { w.string(status.kind) }
    }

    private static func writeTexts(_ status: StatusRecord, to w: inout JSONWriter) {
        if w.key("title") { w.string(status.title) }
        if w.key("body") { w.string(status.body) }
        // Stored in half stars.
        if w.key("rating") { w.double(status.rating.map { Double($0) / 2 }) }
        if w.key("quote") { w.string(status.quote) }
        if w.key("position") { w.string(status.position) }
        if w.key("progress") { w.int(status.progress) }
        if w.key("content_warning") { w.string(status.contentWarning) }
        if w.key("privacy") { w.string(status.privacy) }
        if w.key("in_reply_to_id") { w.int(status.inReplyToID) }
        if w.key("thread_id") { w.int(status.threadID) }
    }

    private static func writeTimes(_ status: StatusRecord, to w: inout JSONWriter) {
        if w.key("created_at") { w.date(Timestamp.date(microseconds: status.createdAt)) }
        if w.key("edited_at") { w.date(status.editedAt.map { Timestamp.date(microseconds: $0) }) }
    }

    private static func write(account user: UserRecord, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.int(user.id)
        w.key("username"); w.string(user.username)
        // Absent when not set, as the OpenAPI document and /v1/me have it.
        if let displayName = user.displayName { w.key("display_name"); w.string(displayName) }
        w.endObject()
    }

    private static func write(book found: EditionWithAuthors, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.int(found.edition.id)
        w.key("work_id"); w.int(found.edition.workID)
        w.key("title"); w.string(found.edition.title)
        w.key("authors")
        AuthorSummary.write(found.authors.map { AuthorSummary(id: $0.id, name: $0.name) }, to: &w)
        w.endObject()
    }
}
