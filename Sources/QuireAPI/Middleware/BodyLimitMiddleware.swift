import Hummingbird

/// Refuses request bodies over the configured limit (default 1 MiB) with a 413 before any handler
/// reads them: by `Content-Length` when the client sends one, else while collecting the stream.
/// An upload route (`POST` to a path in `uploads`) is left to stream its own body to disk under
/// its own limit; only its `Content-Length` is checked here.
struct BodyLimitMiddleware: RouterMiddleware {
    let maxBytes: Int
    let uploads: [String: Int64]

    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        if request.method == .post, let limit = uploads[request.uri.path] {
            if let length = request.headers[.contentLength].flatMap(Int64.init), length > limit {
                throw APIError(.contentTooLarge, code: "file_too_large", message: "file: the file is over the limit of \(limit) bytes", field: "file")
            }
            return try await next(request, context)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw tooLarge
        }
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // A chunked body has no Content-Length, and its collection fails with NIO's own
            // NIOTooManyBytesError, not an HTTPError: both are the same 413.
            throw tooLarge
        }
        return try await next(request, context)
    }

    private var tooLarge: APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "request body is over the limit of \(maxBytes) bytes")
    }
}
