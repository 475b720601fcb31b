import Hummingbird
import QuireAPI
import QuireStore

/// The reader's notifications.
///
///     GET  /notifications        newest first, unread marked (`?before=` older)
///     POST /notifications/read   mark them all read
struct NotificationPagesController: Sendable {
    let web: WebEnvironment
    static let pageSize = 20

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/notifications", use: list)
        router.post("/notifications/read", use: markRead)
    }

    struct NotificationsPage: Sendable {
        struct Entry: Sendable {
            let actor: String?
            let what: String
            let statusID: Int64?
            let unread: Bool
            let date: String
        }
        let unreadCount: Int64
        let notifications: [Entry]
        let older: OlderLink?
    }

    /// The same statements as `GET /v1/notifications` plus the session lookup.
    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/notifications")
        let before = try WebQuery.before(request)
        let limit = Self.pageSize
        let (rows, actors, unread) = try await web.database.read {
            try await NotificationsController.page(userID: user.id, before: before, limit: limit + 1, on: $0)
        }
        let page = NotificationsPage(
            unreadCount: unread,
            notifications: rows.prefix(limit).map { row in
                .init(actor: actors[row.actorID]?.username, what: Self.describe(row.kind), statusID: row.statusID.flatMap { $0 > 0 ? $0 : nil },
                      unread: !row.read, date: PageDate.readable(Timestamp.date(microseconds: row.createdAt)))
            },
            older: OlderLink(rows: rows, limit: limit, base: "/notifications", id: \.id))
        return web.renderer.page("notifications", title: "Notifications", visit: visit, page)
    }

    @Sendable func markRead(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, _) = try await web.visits.form(request)
        let user = try web.requireUser(visit, back: "/notifications")
        _ = try await web.database.write { try await NotificationsController.markRead(userID: user.id, upTo: nil, on: $0) }
        return PageRenderer.redirect("/notifications")
    }

    static func describe(_ kind: String) -> String {
        switch kind {
        case "follow": "followed you"
        case "follow_request": "asked to follow you"
        case "like": "liked your status"
        case "boost": "boosted your status"
        case "reply": "replied to your status"
        case "mention": "mentioned you"
        default: kind
        }
    }
}
