import Hummingbird
import QuireStore

/// The middleware every route gets, outermost first: the request id wraps everything so even
/// error responses carry it; the access log sees the final status; caching headers go on every
/// answer, errors included; errors become JSON; then the body limit, then the bearer token.
public enum APIMiddleware {
    /// `uploads`: the paths whose `POST` streams a file to disk, with each one's limit.
    public static func add(
        to router: Router<QuireRequestContext>, routes: RouteTable, database: Database, sessions: SessionCache, maxBodyBytes: Int,
        uploads: [String: Int64] = [:]
    ) {
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: HTTPCacheMiddleware())
        router.add(middleware: ErrorMiddleware(routes: routes))
        router.add(middleware: BodyLimitMiddleware(maxBytes: maxBodyBytes, uploads: uploads))
        router.add(middleware: AuthMiddleware(database: database, sessions: sessions))
    }

    /// Records the router's routes once they are all added, for 405 detection.
    public static func finish(_ router: Router<QuireRequestContext>, routes: RouteTable) {
        routes.load(router.routes)
    }
}
