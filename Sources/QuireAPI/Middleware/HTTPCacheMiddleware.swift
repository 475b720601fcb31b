import HTTPTypes
import Hummingbird

/// What HTTP caches may do with an answer, and the 304 for a client that already has it.
///
/// - A GET's 200 keeps the `ETag` its JSON body was given (`JSONBody`); when `If-None-Match`
///   names it, the answer is a 304 with no body. The handler has run in full, so the viewer's
///   right to see the resource was checked as for a 200: a viewer who may not see it gets the
///   handler's 404, never a 304, whatever tag it sends.
/// - Every answer varies with `Authorization`. One to a signed-in request is `private`: only
///   the viewer's own browser may keep it. A signed-out GET's 200 may be kept by a shared
///   cache, but only to revalidate (`no-cache`), so a status made private or deleted is never
///   served from it.
/// - Anything else (errors, writes) is `no-store`, unless the handler chose (downloads, events).
struct HTTPCacheMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers.append(HTTPField(name: .vary, value: "Authorization"))
        let isRead = request.method == .get || request.method == .head
        guard isRead, response.status == .ok else {
            response.headers[.eTag] = nil
            if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
            return response
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = request.headers[.authorization] == nil ? "no-cache" : "private, no-cache"
        }
        if let tag = response.headers[.eTag], let asked = request.headers[.ifNoneMatch], ETag.matches(asked, tag) {
            var headers = HTTPFields()
            for name in [HTTPField.Name.eTag, .cacheControl, .vary] {
                for field in response.headers where field.name == name { headers.append(field) }
            }
            return Response(status: .notModified, headers: headers)
        }
        return response
    }
}
