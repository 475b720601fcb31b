import Foundation
import Hummingbird
import Mustache
import QuireAPI
import QuireCore
import QuireStore

/// The front page and search.
///
///     GET /                 signed out: what Quire is; signed in: the home timeline (`?before=` older)
///     GET /search?q=        editions whose title or authors match every word
struct HomePagesController: Sendable {
    let web: WebEnvironment
    static let pageSize = 20

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/", use: home)
        router.get("/search", use: search)
    }

    struct HomePage: Sendable {
        let statuses: [StatusView]
        let empty: Bool
        let older: OlderLink?
    }

    struct WelcomePage: Sendable {}

    /// The same statements as `GET /v1/timelines/home` plus the session lookup.
    @Sendable func home(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        guard let user = visit.user else { return web.renderer.page("welcome", title: "Quire", visit: visit, WelcomePage()) }
        let before = try WebQuery.before(request)
        let limit = Self.pageSize
        let page = try await web.database.read { try await TimelinesController.home(reader: user.id, before: before, limit: limit + 1, on: $0) }
        let statuses = StatusView.list(page, limit: limit, back: "/", signedIn: true)
        return web.renderer.page("home", title: "Home", visit: visit, HomePage(
            statuses: statuses, empty: statuses.isEmpty && before == nil,
            older: OlderLink(rows: page.statuses, limit: limit, base: "/", id: \.id)))
    }

    struct SearchPage: Sendable {
        struct Hit: Sendable {
            let edition: EditionResponse
            let authors: String
        }
        let q: String
        let searched: Bool
        let hits: [Hit]
        var more: String? = nil
    }

    /// The same statements as `GET /v1/search` plus the session lookup.
    @Sendable func search(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let q = request.uri.queryParameters.get("q") ?? ""
        guard !q.isEmpty else { return web.renderer.page("search", title: "Search", visit: visit, SearchPage(q: "", searched: false, hits: [])) }
        let terms: [String]
        do {
            terms = try SearchController.terms(q)
        } catch let error as APIError {
            return web.renderer.page("search", title: "Search", visit: visit, SearchPage(q: q, searched: false, hits: []), message: error.message, status: .badRequest)
        }
        // `?after=`: the API's keyset cursor (score and id of the last hit shown), so "more" pages
        // never use OFFSET.
        var after: (score: Double, id: Int64)?
        if let text = request.uri.queryParameters.get("after") {
            do {
                let cursor = try Cursor(decoding: text)
                after = (Double(bitPattern: UInt64(bitPattern: try cursor.int(0))), try cursor.int(1))
            } catch {
                throw WebError(.badRequest, "after: must be the link from a previous page of results")
            }
        }
        let (limit, start) = (Self.pageSize, after)
        let hits = try await web.database.read { try await SearchController.search(terms, after: start, limit: limit, on: $0) }
        let shown = hits.prefix(limit)
        var page = SearchPage(q: q, searched: true, hits: shown.map { hit in
            SearchPage.Hit(edition: EditionResponse(hit.edition, authors: hit.authors), authors: hit.authors.map(\.name).joined(separator: ", "))
        })
        if hits.count > limit, let last = shown.last {
            let cursor = Cursor([.int(Int64(bitPattern: last.score.bitPattern)), .int(last.edition.id)]).encoded()
            page.more = "/search?q=\(WebQueryText.encoded(q))&after=\(WebQueryText.encoded(cursor))"
        }
        return web.renderer.page("search", title: "Search: \(q)", visit: visit, page)
    }
}

/// Page models list their stored properties for the templates (no `Mirror`: see StatusView).
extension HomePagesController.HomePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "statuses": statuses
        case "empty": empty
        case "older": older
        default: nil
        }
    }
}

/// Text put back into a link's query string.
enum WebQueryText {
    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }
}

/// Numbers a page reads from its query string, checked as the API checks them.
enum WebQuery {
    /// `?before=`: a positive id, or a 400 page.
    static func before(_ request: Request) throws -> Int64? {
        guard let text = request.uri.queryParameters.get("before") else { return nil }
        guard let id = ClientNumber.whole(text, in: 1...Int64.max) else { throw WebError(.badRequest, "before: must be a positive whole number") }
        return id
    }

    /// A path parameter that must be an id, or a 404 page.
    static func id(_ name: String, _ context: QuireRequestContext, what: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let id = ClientNumber.whole(text, in: 1...Int64.max) else { throw WebError.notFound(what) }
        return id
    }
}
