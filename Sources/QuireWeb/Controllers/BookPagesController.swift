import Foundation
import Hummingbird
import Mustache
import QuireAPI
import QuireCore
import QuireStore

/// A book's page and what a reader does there.
///
///     GET  /book/{id}           the edition, its work's counts, stats, reviews and "readers also shelved"
///     POST /book/{id}/shelve    put it on one of your shelves (`shelf` = its id)
///     POST /book/{id}/unshelve  take it off one (`shelf`)
///     POST /book/{id}/status    post a review, comment or quotation about it (`type` and its fields)
struct BookPagesController: Sendable {
    let web: WebEnvironment
    static let reviewsShown = 20
    static let similarShown = 10

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/book/{id}", use: show)
        router.post("/book/{id}/shelve", use: shelve)
        router.post("/book/{id}/unshelve", use: unshelve)
        router.post("/book/{id}/status", use: post)
    }

    struct BookPage: Sendable {
        struct ShelfOption: Sendable {
            let id: Int64
            let name: String
            /// The book is on it now.
            let holds: Bool
        }
        let edition: EditionResponse
        let authors: String
        let averageRating: String?
        let ratingsCount: Int64
        let readersCount: Int64
        let stats: WorkStatsResponse?
        let reviews: [StatusView]
        let similar: [SimilarWorkResponse]
        var hasSimilar: Bool { !similar.isEmpty }
        let shelves: [ShelfOption]
        let onShelves: [ShelfOption]
        let ratings: [RatingOption]
        let privacies: [PrivacyOption]
    }

    /// The edition and its work as `GET /v1/editions/{id}` and `GET /v1/works/{id}` read them, the
    /// work's reviews as `GET /v1/works/{id}/reviews`, its similar works as
    /// `GET /v1/works/{id}/similar`, and the reader's own shelves for the shelve menu.
    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "book")
        let viewer = visit.user
        let back = "/book/\(id)"
        let loaded = try await web.database.read { db -> (EditionResponse, WorkRecord?, WorkStatsRecord?, StatusPage?, [SimilarWorkResponse], [ShelfRecord], Set<Int64>)? in
            guard let edition = try await EditionsController.edition(id, on: db) else { return nil }
            let work = try await WorkQueries.find(edition.workId, on: db)
            let stats = try await CatalogStatsQueries.work(edition.workId, on: db)
            let reviews = try await TimelinesController.reviews(
                workID: edition.workId, viewer: viewer?.id ?? 0, before: nil, limit: Self.reviewsShown + 1, on: db)
            let similar = try await WorksController.similar(edition.workId, afterRank: 0, limit: Self.similarShown, on: db)?.1 ?? []
            var shelves: [ShelfRecord] = []
            var holding: Set<Int64> = []
            if let viewer {
                let own = Visibility.privacies(viewerID: viewer.id, ownerID: viewer.id, viewerFollowsOwner: false)
                shelves = try await ShelfQueries.list(userID: viewer.id, privacies: own, after: nil, limit: ShelfRules.maxCustomShelves + 4, on: db)
                holding = try await ShelfBookQueries.shelfIDs(userID: viewer.id, editionID: id, on: db)
            }
            return (edition, work, stats, reviews, similar, shelves, holding)
        }
        guard let (edition, work, stats, reviews, similar, shelves, holding) = loaded else { throw WebError.notFound("book") }
        let options = shelves.map { BookPage.ShelfOption(id: $0.id, name: $0.name, holds: holding.contains($0.id)) }
        let average = work.flatMap { $0.ratingsCount > 0 ? Double($0.ratingSum) / 2 / Double($0.ratingsCount) : nil }
        let page = BookPage(
            edition: edition, authors: edition.authors.map(\.name).joined(separator: ", "),
            averageRating: average.map { String(format: "%.1f", $0) }, ratingsCount: work?.ratingsCount ?? 0,
            readersCount: work?.shelvedUsers ?? 0, stats: stats.map(WorkStatsResponse.init),
            reviews: reviews.map { StatusView.list($0, limit: Self.reviewsShown, back: back, signedIn: viewer != nil) } ?? [],
            similar: similar, shelves: options, onShelves: options.filter(\.holds),
            ratings: RatingOption.all, privacies: PrivacyOption.all(default: viewer?.defaultPrivacy))
        return web.renderer.page("book", title: edition.title, visit: visit, page)
    }

    @Sendable func shelve(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let id = try WebQuery.id("id", context, what: "book")
        let user = try web.requireUser(visit, back: "/book/\(id)")
        guard let shelfText = form["shelf"], let shelfID = ClientNumber.whole(shelfText, in: 1...Int64.max) else {
            throw WebError(.badRequest, "Choose a shelf.")
        }
        let privacy = StatusPrivacy(accountDefault: user.defaultPrivacy)
        _ = try await web.database.write {
            try await ShelvesController.shelve(id, on: shelfID, user: user, postStatus: form["post_status"] == "on", privacy: privacy, on: $0)
        }
        return PageRenderer.redirect("/book/\(id)")
    }

    @Sendable func unshelve(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let id = try WebQuery.id("id", context, what: "book")
        let user = try web.requireUser(visit, back: "/book/\(id)")
        guard let shelfText = form["shelf"], let shelfID = ClientNumber.whole(shelfText, in: 1...Int64.max) else {
            throw WebError(.badRequest, "Choose a shelf.")
        }
        _ = try await web.database.write { try await ShelvesController.unshelve(id, from: shelfID, user: user, on: $0) }
        return PageRenderer.redirect("/book/\(id)")
    }

    @Sendable func post(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let id = try WebQuery.id("id", context, what: "book")
        let user = try web.requireUser(visit, back: "/book/\(id)")
        var input = try StatusForm.input(form)
        input.editionId = id
        let posted = input
        let status = try await web.database.write { try await StatusesController.post(posted, user: user, on: $0) }
        return PageRenderer.redirect(status.map { "/status/\($0.id)" } ?? "/book/\(id)")
    }
}

/// Page models list their stored properties for the templates (no `Mirror`: see StatusView), and
/// `hasSimilar`, which `Mirror` never saw (it is computed), so "Readers also shelved" showed for no book.
extension BookPagesController.BookPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "edition": edition
        case "authors": authors
        case "averageRating": averageRating
        case "ratingsCount": ratingsCount
        case "readersCount": readersCount
        case "stats": stats
        case "reviews": reviews
        case "similar": similar
        case "hasSimilar": hasSimilar
        case "shelves": shelves
        case "onShelves": onShelves
        case "ratings": ratings
        case "privacies": privacies
        default: nil
        }
    }
}

extension BookPagesController.BookPage.ShelfOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "holds": holds
        default: nil
        }
    }
}

/// A choice in the rating menu.
struct RatingOption: Sendable {
    let value: String
    let label: String

    static let all = stride(from: 5.0, through: 0.5, by: -0.5).map { rating in
        RatingOption(value: StatusView.number(rating), label: "\(StatusView.number(rating)) – \(StatusView.stars(rating))")
    }
}

/// A choice in a privacy menu, the reader's default preselected.
struct PrivacyOption: Sendable {
    let value: String
    let label: String
    let selected: Bool

    static func all(default accountDefault: String?) -> [PrivacyOption] {
        let preselected = StatusPrivacy(accountDefault: accountDefault ?? "public").rawValue
        return [("public", "Public"), ("unlisted", "Unlisted"), ("followers", "Followers only"), ("direct", "Mentioned people only")].map {
            PrivacyOption(value: $0.0, label: $0.1, selected: $0.0 == preselected)
        }
    }
}

extension RatingOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        default: nil
        }
    }
}

extension PrivacyOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}
