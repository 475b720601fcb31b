import Foundation
import Hummingbird
import Logging
import QuireAPI
import QuireStore

/// Quire in a browser: server-rendered pages over the API's own reads and writes (the same
/// functions its controllers call, so a page loads the same rows and decides who sees what the
/// same way), signed in by an HttpOnly cookie, every form carrying a CSRF token.
public struct WebPages: Sendable {
    let web: WebEnvironment
    let imports: ImportsController
    let me: MeController
    let exports: ExportsController
    /// Where the import page's form posts: an upload route, whose body the body limit leaves to it.
    public static let importUploadPath = "/import"

    /// `accounts`, `sessions` and `users` are the API's own controllers, so sign-up, sign-in (and
    /// its throttle) and follows go through one code path.
    public init(
        database: Database, sessionCache: SessionCache, accounts: AccountsController, sessions: SessionsController,
        users: UsersController, me: MeController, imports: ImportsController, exports: ExportsController, secureCookies: Bool, logger: Logger
    ) {
        self.imports = imports
        self.me = me
        self.exports = exports
        let renderer: PageRenderer
        do {
            renderer = try PageRenderer.load()
        } catch {
            // Only a broken build gets here: the resources ship inside it. Every page then says so.
            logger.critical("web pages unavailable", metadata: ["error": "\(error)"])
            renderer = PageRenderer(library: .init(), assets: .empty)
        }
        web = WebEnvironment(
            database: database, renderer: renderer,
            visits: WebVisits(resolver: SessionResolver(database: database, sessions: sessionCache), secureCookies: secureCookies),
            accounts: accounts, sessions: sessions, users: users)
    }

    /// Also answers, in `routes`, a browser's request for a path no route serves with a page.
    public func addRoutes(to router: Router<QuireRequestContext>, routes: RouteTable) {
        let errors = WebErrorMiddleware(renderer: web.renderer, visits: web.visits)
        routes.setNotFoundPage { request, _ in await errors.notFoundPage(request) }
        let pages = router.group().add(middleware: errors)
        let assets = web.renderer.assets
        pages.get("/static/{file}") { _, context -> Response in
            guard let response = assets.response(context.parameters.get("file") ?? "") else { throw WebError.notFound("file") }
            return response
        }
        AccountPagesController(web: web).addRoutes(to: pages)
        HomePagesController(web: web).addRoutes(to: pages)
        BookPagesController(web: web).addRoutes(to: pages)
        UserPagesController(web: web).addRoutes(to: pages)
        StatusPagesController(web: web).addRoutes(to: pages)
        ImportPagesController(web: web, imports: imports).addRoutes(to: pages)
        ExportPagesController(web: web, exports: exports).addRoutes(to: pages)
        AccountSettingsPagesController(web: web, me: me).addRoutes(to: pages)
        NotificationPagesController(web: web).addRoutes(to: pages)
        AdminPagesController(web: web).addRoutes(to: pages)
    }
}

/// What every page controller works with.
struct WebEnvironment: Sendable {
    let database: Database
    let renderer: PageRenderer
    let visits: WebVisits
    let accounts: AccountsController
    let sessions: SessionsController
    let users: UsersController

    /// The signed-in user, or a 303 to the sign-in page, which brings them back here after.
    func requireUser(_ visit: WebVisit, back: String) throws -> UserRecord {
        guard let user = visit.user else { throw WebRedirect(to: "/signin?next=\(WebPath.encoded(back))") }
        return user
    }
}

/// Thrown to answer with a redirect from deep in a handler (to the sign-in page).
struct WebRedirect: Error, Sendable {
    let location: String
    init(to location: String) { self.location = location }
}

/// Paths that come back from a form or a query (`next`, `back`): only Quire's own pages, so no
/// link can send a reader elsewhere after signing in.
enum WebPath {
    static func local(_ path: String?, default fallback: String = "/") -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return fallback }
        return path
    }

    static func encoded(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_.~"))) ?? "/"
    }
}
