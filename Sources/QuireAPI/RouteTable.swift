import HTTPTypes
import Hummingbird
import Synchronization

/// The route templates the router serves, so a request whose path exists under another method
/// gets a 405 with `Allow` instead of the router's plain 404.
public final class RouteTable: Sendable {
    public struct Route: Sendable, Hashable {
        public let method: HTTPRequest.Method
        public let path: String
    }

    private let storage = Mutex<[Route]>([])
    private let page = Mutex<NotFoundPage?>(nil)

    /// What answers a path no route serves instead of the JSON 404, when it returns a response
    /// (the web pages: a browser asking for a page gets a page).
    public typealias NotFoundPage = @Sendable (Request, QuireRequestContext) async -> Response?

    public init() {}

    public func setNotFoundPage(_ notFound: @escaping NotFoundPage) {
        page.withLock { $0 = notFound }
    }

    func notFoundPage(_ request: Request, context: QuireRequestContext) async -> Response? {
        guard let notFound = page.withLock({ $0 }) else { return nil }
        return await notFound(request, context)
    }

    public var routes: [Route] { storage.withLock { $0 } }

    func load(_ routes: [Router<QuireRequestContext>.RouteDescription]) {
        storage.withLock { $0 = routes.map { Route(method: $0.method, path: $0.path.description) } }
    }

    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { Self.template($0.path, matches: segments) }.map(\.method)
    }

    static func template(_ template: String, matches segments: [Substring]) -> Bool {
        let parts = template.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { part, segment in
            part == segment || (part.hasPrefix("{") && part.hasSuffix("}")) || part.hasPrefix(":") || part == "*"
        }
    }
}
