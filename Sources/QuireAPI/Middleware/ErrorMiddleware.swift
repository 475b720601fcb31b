import Foundation
import HTTPTypes
import Hummingbird
import Logging
import QuireStore

/// Turns every error, the router's own 404 included, into the JSON error body. Anything that is
/// not an `APIError` or a Hummingbird `HTTPError` is a bug: it is logged with the request id and
/// shown to the client as a bare 500 without internals.
struct ErrorMiddleware: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.response(for: error, context: context)
        } catch DatabaseError.unavailable {
            // PostgreSQL is down (PostgresOutage): say so at once, and when to try again.
            var unavailable = APIError(.serviceUnavailable, code: "database_unavailable", message: "the database does not answer; try again shortly")
            unavailable.headers[.retryAfter] = "1"
            return Self.response(for: unavailable, context: context)
        } catch let error as HTTPError {
            let apiError = translate(error, request: request, context: context)
            if apiError.code == "route_not_found", let page = await routes.notFoundPage(request, context: context) { return page }
            return Self.response(for: apiError, context: context)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            // NIO's and Hummingbird's other client errors (a body over a limit) carry a status but
            // no message: they get the same JSON body as every other error.
            return Self.response(for: translate(HTTPError(error.status), request: request, context: context), context: context)
        } catch {
            context.logger.error("internal error", metadata: ["error": "\(String(reflecting: error))"])
            return Self.response(
                for: APIError(.internalServerError, code: "internal_error", message: "internal server error"), context: context)
        }
    }

    private func translate(_ error: HTTPError, request: Request, context: QuireRequestContext) -> APIError {
        switch error.status {
        case .notFound where context.endpointPath == nil || context.endpointPath == "NotFound":
            let allowed = routes.methods(matching: request.uri.path)
            if allowed.isEmpty {
                return APIError(.notFound, code: "route_not_found", message: "no route for \(request.method) \(request.uri.path)")
            }
            var apiError = APIError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method) is not allowed here; allowed: \(allowed.map(\.rawValue).joined(separator: ", "))")
            apiError.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return apiError
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large", message: error.body ?? "request body is too large")
        case .badRequest:
            return APIError(.badRequest, code: "malformed_body", message: error.body ?? "the request body could not be read")
        default:
            return APIError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            message: error.body ?? error.status.reasonPhrase)
        }
    }

    static func response(for error: APIError, context: QuireRequestContext) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: error.message, field: error.field, requestId: context.requestID))
        let data = (try? JSONCoding.encoder.encode(body)) ?? Data()
        var headers = error.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
