import HTTPTypes
import Hummingbird
import Mustache
import QuireAPI
import QuireCore
import QuireStore

/// A status with its thread, and what a reader does to statuses.
///
///     GET  /status/{id}            the status and its thread, root first, with a reply form
///     POST /status                 post a note (the home page's form)
///     POST /status/{id}/reply      reply to it
///     POST /status/{id}/{action}   like, unlike, boost or unboost, then back to `back`
///
/// The like and boost forms answer a script's `fetch` (which adds `fetch=1` to the form) with 204,
/// so liking needs no reload; without JavaScript they redirect back.
struct StatusPagesController: Sendable {
    let web: WebEnvironment
    static let threadShown = 50

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/status/{id}", use: show)
        router.post("/status", use: post)
        router.post("/status/{id}/reply", use: reply)
        router.post("/status/{id}/{action}", use: react)
    }

    struct ThreadPage: Sendable {
        let status: StatusView
        let thread: [ThreadEntry]
        let privacies: [PrivacyOption]
        let replyTo: String
    }

    struct ThreadEntry: Sendable {
        let view: StatusView
        let current: Bool
    }

    /// `GET /v1/statuses/{id}` and `/thread` together, plus the session lookup.
    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "status")
        let viewer = visit.user?.id ?? 0
        let limit = Self.threadShown
        let loaded = try await web.database.read { db -> (StatusResponse, StatusPage?)? in
            guard let status = try await StatusesController.status(id, viewer: viewer, on: db) else { return nil }
            return (status, try await StatusesController.thread(id, viewer: viewer, after: nil, limit: limit + 1, on: db))
        }
        guard let (status, thread) = loaded, let view = StatusView(status, back: "/status/\(id)", signedIn: visit.user != nil) else { throw WebError.notFound("status") }
        let entries = thread.map { StatusView.list($0, limit: limit, back: "/status/\(id)", signedIn: visit.user != nil) } ?? []
        let page = ThreadPage(
            status: view, thread: entries.map { ThreadEntry(view: $0, current: $0.status.id == view.status.id) },
            privacies: PrivacyOption.all(default: visit.user?.defaultPrivacy), replyTo: view.status.account.username)
        return web.renderer.page("statuspage", title: "\(view.status.account.username): \(view.typeLabel)", visit: visit, page)
    }

    @Sendable func post(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let user = try web.requireUser(visit, back: "/")
        var input = try StatusForm.input(form)
        input.type = input.type ?? "note"
        let posted = input
        let status = try await web.database.write { try await StatusesController.post(posted, user: user, on: $0) }
        return PageRenderer.redirect(status.map { "/status/\($0.id)" } ?? "/")
    }

    @Sendable func reply(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let id = try WebQuery.id("id", context, what: "status")
        let user = try web.requireUser(visit, back: "/status/\(id)")
        var input = try StatusForm.input(form)
        input.type = "note"
        input.inReplyToId = id
        let posted = input
        let status = try await web.database.write { try await StatusesController.post(posted, user: user, on: $0) }
        return PageRenderer.redirect("/status/\(status?.id ?? id)")
    }

    @Sendable func react(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let id = try WebQuery.id("id", context, what: "status")
        guard let reaction = StatusesController.Reaction(rawValue: context.parameters.get("action") ?? "") else { throw WebError.notFound("page") }
        let back = WebPath.local(form["back"], default: "/status/\(id)")
        let user = try web.requireUser(visit, back: back)
        let status = try await web.database.write { try await StatusesController.react(reaction, statusID: id, user: user.id, on: $0) }
        guard status != nil else { throw WebError.notFound("status") }
        if form["fetch"] == "1" { return Response(status: .noContent) }
        return PageRenderer.redirect(back)
    }
}

/// Page models list their stored properties for the templates (no `Mirror`: see StatusView).
extension StatusPagesController.ThreadPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "status": status
        case "thread": thread
        case "privacies": privacies
        case "replyTo": replyTo
        default: nil
        }
    }
}

extension StatusPagesController.ThreadEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "view": view
        case "current": current
        default: nil
        }
    }
}
