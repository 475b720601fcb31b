import Foundation
import Hummingbird
import Mustache
import QuireAPI
import QuireCore
import QuireStore

/// A reader's profile and shelves, and following or blocking them.
///
///     GET  /user/{username}                      counts, relationship buttons, shelves and statuses (`?before=` older)
///     GET  /user/{username}/shelf/{identifier}   a shelf's books, newest first (`?before=` older)
///     POST /user/{username}/{action}             follow, unfollow, block or unblock
///
/// Whoever the API hides (a block either way, a shelf the viewer may not see) is not found here either.
struct UserPagesController: Sendable {
    let web: WebEnvironment
    static let pageSize = 20

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/user/{username}", use: profile)
        router.get("/user/{username}/shelf/{identifier}", use: shelf)
        router.post("/user/{username}/{action}", use: relate)
    }

    struct ProfilePage: Sendable {
        struct Shelf: Sendable {
            let shelf: ShelfResponse
            let href: String
            let privateNote: String?
            let books: String
        }
        let profile: ProfileResponse
        let isSelf: Bool
        let shelves: [Shelf]
        let statuses: [StatusView]
        let older: OlderLink?
    }

    /// `GET /v1/users/{username}`, `/statuses` and `/shelves` together, plus the session lookup.
    @Sendable func profile(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let username = context.parameters.get("username") ?? ""
        let before = try WebQuery.before(request)
        let viewer = visit.user?.id
        let limit = Self.pageSize
        let loaded = try await web.database.read { db -> (ProfileResponse, StatusPage, [ShelfRecord])? in
            guard let profile = try await UsersController.profile(username, viewer: viewer ?? 0, on: db),
                  let statuses = try await UsersController.statuses(of: username, viewer: viewer ?? 0, before: before, limit: limit + 1, on: db),
                  let shelves = try await ShelvesController.visibleShelves(of: username, viewer: viewer, after: nil, limit: 100, on: db)
            else { return nil }
            return (profile, statuses, shelves)
        }
        guard let (profile, statuses, shelves) = loaded else { throw WebError.notFound("reader") }
        let base = "/user/\(profile.username)"
        let page = ProfilePage(
            profile: profile, isSelf: viewer == profile.id,
            shelves: shelves.map {
                .init(shelf: ShelfResponse($0), href: "\(base)/shelf/\($0.identifier)", privateNote: $0.privacy == "public" ? nil : $0.privacy,
                      books: WebText.count($0.bookCount, "book"))
            },
            statuses: StatusView.list(statuses, limit: limit, back: base, signedIn: viewer != nil),
            older: OlderLink(rows: statuses.statuses, limit: limit, base: base, id: \.id))
        return web.renderer.page("profile", title: profile.displayName ?? profile.username, visit: visit, page)
    }

    struct ShelfPage: Sendable {
        struct Book: Sendable {
            let edition: EditionResponse
            let authors: String
            let shelvedAt: String
        }
        let username: String
        let shelf: ShelfResponse
        let count: String
        let books: [Book]
        let older: OlderLink?
    }

    /// `GET /v1/shelves/{id}/books` by the shelf's identifier: one more statement (the owner).
    @Sendable func shelf(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let username = context.parameters.get("username") ?? ""
        let identifier = context.parameters.get("identifier") ?? ""
        let before = try WebQuery.before(request)
        let viewer = visit.user?.id
        let limit = Self.pageSize
        let loaded = try await web.database.read { db -> (UserRecord, ShelfRecord, [ShelvedBook], [Int64: [AuthorRecord]])? in
            guard let owner = try await UserQueries.find(username: username, on: db),
                  let shelf = try await ShelfQueries.find(userID: owner.id, identifier: identifier, on: db),
                  let (books, authors) = try await ShelvesController.visibleBooks(on: shelf, viewer: viewer, before: before, limit: limit, on: db)
            else { return nil }
            return (owner, shelf, books, authors)
        }
        guard let (owner, shelf, books, authors) = loaded else { throw WebError.notFound("shelf") }
        let page = ShelfPage(
            username: owner.username, shelf: ShelfResponse(shelf), count: WebText.count(shelf.bookCount, "book"),
            books: books.prefix(limit).map { book in
                let names = authors[book.edition.workID] ?? []
                return .init(edition: EditionResponse(book.edition, authors: names), authors: names.map(\.name).joined(separator: ", "),
                             shelvedAt: PageDate.readable(Timestamp.date(microseconds: book.shelvedAt)))
            },
            older: OlderLink(rows: books, limit: limit, base: "/user/\(owner.username)/shelf/\(shelf.identifier)", id: \.shelvingID))
        return web.renderer.page("shelf", title: "\(shelf.name) – \(owner.username)", visit: visit, page)
    }

    /// Follow, unfollow, block or unblock through the API's own `relate`.
    @Sendable func relate(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, _) = try await web.visits.form(request)
        let username = context.parameters.get("username") ?? ""
        guard let action = UsersController.RelationAction(rawValue: context.parameters.get("action") ?? "") else { throw WebError.notFound("page") }
        let user = try web.requireUser(visit, back: "/user/\(username)")
        _ = try await web.users.relate(action, username: username, viewer: user.id)
        return PageRenderer.redirect(action == .block ? "/" : "/user/\(WebPath.encoded(username))")
    }
}

/// Page models list their stored properties for the templates (no `Mirror`: see StatusView).
extension UserPagesController.ProfilePage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "profile": profile
        case "isSelf": isSelf
        case "shelves": shelves
        case "statuses": statuses
        case "older": older
        default: nil
        }
    }
}

extension UserPagesController.ProfilePage.Shelf: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "shelf": shelf
        case "href": href
        case "privateNote": privateNote
        case "books": books
        default: nil
        }
    }
}

/// Words a page builds from numbers.
enum WebText {
    /// "1 book", "2 books".
    static func count(_ n: Int64, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
