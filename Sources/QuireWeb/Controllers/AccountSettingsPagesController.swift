import Hummingbird
import QuireAPI
import QuireCore
import QuireStore

/// The reader's own settings and the requests to follow them.
///
///     GET  /settings                                 name, summary, default privacy, approving followers by hand
///     POST /settings                                 save them (the API's `PATCH /v1/me`)
///     GET  /follow-requests                          requests waiting, oldest first (`?after=` more)
///     POST /follow-requests/{username}/{answer}      approve or reject
struct AccountSettingsPagesController: Sendable {
    let web: WebEnvironment
    let me: MeController
    static let pageSize = 20

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/settings", use: settings)
        router.post("/settings", use: save)
        router.get("/follow-requests", use: requests)
        router.post("/follow-requests/{username}/{answer}", use: answer)
    }

    struct SettingsPage: Sendable {
        struct Option: Sendable {
            let value: String
            let label: String
            let selected: Bool
        }
        let displayName: String
        let bio: String
        let privacies: [Option]
        let manuallyApprovesFollowers: Bool
    }

    @Sendable func settings(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/settings")
        return web.renderer.page("settings", title: "Settings", visit: visit, Self.page(user))
    }

    @Sendable func save(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let user = try web.requireUser(visit, back: "/settings")
        do {
            // A checkbox is sent only when ticked, so its absence means "no".
            let updated = try await me.update(
                user, displayName: form["display_name"] ?? "", bio: form["bio"] ?? "", defaultPrivacy: form.nonEmpty("default_privacy"),
                manuallyApprovesFollowers: form["manually_approves_followers"] == "on")
            return web.renderer.page("settings", title: "Settings", visit: visit, Self.page(updated), message: "Saved.")
        } catch let error as APIError {
            return web.renderer.page("settings", title: "Settings", visit: visit, Self.page(user), message: error.message, status: error.status)
        }
    }

    static func page(_ user: UserRecord) -> SettingsPage {
        SettingsPage(
            displayName: user.displayName ?? "", bio: user.bio ?? "",
            privacies: [("public", "Public"), ("followers", "Followers only"), ("private", "Private")].map {
                .init(value: $0.0, label: $0.1, selected: $0.0 == user.defaultPrivacy)
            },
            manuallyApprovesFollowers: user.manuallyApprovesFollowers)
    }

    struct RequestsPage: Sendable {
        struct Entry: Sendable {
            let username: String
            let displayName: String?
            let date: String
        }
        let requests: [Entry]
        let more: String?
    }

    /// The same statements as `GET /v1/follow_requests` plus the session lookup.
    @Sendable func requests(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/follow-requests")
        var after: Int64?
        if let text = request.uri.queryParameters.get("after") {
            guard let value = ClientNumber.whole(text, in: 1...Int64.max) else { throw WebError(.badRequest, "after: must be a positive whole number") }
            after = value
        }
        let (start, limit) = (after, Self.pageSize)
        let rows = try await web.database.read { try await FollowQueries.requests(target: user.id, after: start, limit: limit + 1, on: $0) }
        let shown = rows.prefix(limit)
        let page = RequestsPage(
            requests: shown.map {
                .init(username: $0.requester.username, displayName: $0.requester.displayName,
                      date: PageDate.readable(Timestamp.date(microseconds: $0.createdAt)))
            },
            more: rows.count > limit ? shown.last.map { "/follow-requests?after=\($0.id)" } : nil)
        return web.renderer.page("followrequests", title: "Follow requests", visit: visit, page)
    }

    @Sendable func answer(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, _) = try await web.visits.form(request)
        let user = try web.requireUser(visit, back: "/follow-requests")
        let approve: Bool
        switch context.parameters.get("answer") {
        case "approve": approve = true
        case "reject": approve = false
        default: throw WebError.notFound("page")
        }
        _ = try await web.users.answer(username: context.parameters.get("username") ?? "", viewer: user.id, approve: approve)
        return PageRenderer.redirect("/follow-requests")
    }
}
