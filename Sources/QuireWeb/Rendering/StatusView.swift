import Foundation
import Mustache
import QuireAPI
import QuireStore

/// A status as a page shows it: the API's own `StatusResponse` (so a page shows exactly what the
/// API would), with what HTML needs besides: a boost shown as the boosted status with who
/// boosted it, stars, a readable date, and the path back to the page it sits on.
struct StatusView: Sendable {
    let status: StatusResponse
    let boostedBy: String?
    let typeLabel: String
    let stars: String?
    let starsLabel: String?
    let date: String
    let isoDate: String
    let boostable: Bool
    let reply: Bool
    let back: String
    /// The page has a signed-in reader, who gets the like, boost and reply buttons. The layout's
    /// `viewer` says the same, but a section over it puts the viewer on top of the context stack,
    /// and the partial's dotted names (`{{.id}}`) would then be asked of the viewer: a Bool
    /// section keeps the status on top.
    let signedIn: Bool

    init?(_ response: StatusResponse, back: String, signedIn: Bool) {
        let shown = response.boostOf ?? response
        status = shown
        boostedBy = response.boostOf == nil ? nil : response.account.username
        typeLabel = Self.label(shown.type)
        stars = shown.rating.map(Self.stars)
        starsLabel = shown.rating.map { "\(Self.number($0)) out of 5 stars" }
        (isoDate, date) = PageDate.isoAndReadable(shown.createdAt)
        boostable = shown.privacy == "public" || shown.privacy == "unlisted"
        reply = shown.inReplyToId != nil
        self.back = back
        self.signedIn = signedIn
    }

    /// The page's statuses in order, leaving out those whose boosted original is gone, as the API does.
    static func list(_ page: StatusPage, limit: Int, back: String, signedIn: Bool) -> [StatusView] {
        page.statuses.prefix(limit).compactMap { StatusResponse.make($0, page: page) }.compactMap { StatusView($0, back: back, signedIn: signedIn) }
    }

    static func stars(_ rating: Double) -> String {
        let whole = Int(rating)
        return String(repeating: "★", count: whole) + (rating > Double(whole) ? "½" : "")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func label(_ type: String) -> String {
        switch type {
        case "review": "reviewed"
        case "comment": "commented on"
        case "quotation": "quoted"
        case "generated": "shelved"
        default: "wrote"
        }
    }
}

/// The "older" link of a keyset-paged list: present only when the list has more.
struct OlderLink: Sendable {
    let href: String

    /// `rows` were fetched `limit + 1`; the extra one says whether more exist.
    init?<Row>(rows: [Row], limit: Int, base: String, id: (Row) -> Int64) {
        guard rows.count > limit, let last = rows.prefix(limit).last else { return nil }
        href = base + (base.contains("?") ? "&" : "?") + "before=\(id(last))"
    }
}

extension OlderLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": href
        default: nil
        }
    }
}

/// Templates read a status by name without reflection: a page of 20 statuses makes about a
/// thousand lookups, and `Mirror` made rendering most of a page's cost. The names are unique
/// among the page models, so a missing value never picks up a same-named one further out.
extension StatusView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": status.id
        case "username": status.account.username
        // One name each for what the template would otherwise choose with a section and its
        // inverse: every section is several dynamic casts in swift-mustache.
        case "shownName": status.account.displayName ?? status.account.username
        case "likeAction": status.liked ? "unlike" : "like"
        case "likeLabel": status.liked ? "Liked" : "Like"
        case "boostAction": status.boosted ? "unboost" : "boost"
        case "boostLabel": status.boosted ? "Boosted" : "Boost"
        case "bookID": status.book?.id
        case "bookTitle": status.book?.title
        case "headline": status.title
        case "text": status.body.isEmpty ? nil : status.body
        case "quote": status.quote
        case "position": status.position
        case "progress": status.progress
        case "warning": status.contentWarning
        case "privacy": status.privacy
        case "likesCount": status.likesCount
        case "boostsCount": status.boostsCount
        case "repliesCount": status.repliesCount
        case "liked": status.liked
        case "boosted": status.boosted
        case "boostedBy": boostedBy
        case "typeLabel": typeLabel
        case "stars": stars
        case "starsLabel": starsLabel
        case "date": date
        case "isoDate": isoDate
        case "boostable": boostable
        case "reply": reply
        case "back": back
        case "signedIn": signedIn
        default: nil
        }
    }
}
