import Hummingbird
import Logging
import QuireAPI
import QuireStore

/// Turns a refusal on a page into a page saying why, with the status the API would answer; a bug
/// is logged with the request id and shown as a plain apology, never a stack trace.
struct WebErrorMiddleware: RouterMiddleware {
    let renderer: PageRenderer

    struct ErrorPage: Sendable {
        let heading: String
        let message: String
    }

    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as WebRedirect {
            return PageRenderer.redirect(redirect.location)
        } catch let error as WebError {
            return page(error.status, error.message)
        } catch let error as APIError {
            // The API's own checks (a bad field, a taken name, a wrong password) say what was wrong.
            var response = page(error.status, error.message)
            if let retry = error.headers[.retryAfter] { response.headers[.retryAfter] = retry }
            return response
        } catch DatabaseError.unavailable {
            var response = page(.serviceUnavailable, "The database does not answer. Try again in a moment.")
            response.headers[.retryAfter] = "1"
            return response
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return page(error.status, error.status == .contentTooLarge ? "What you sent is too large." : error.status.reasonPhrase)
        } catch {
            context.logger.error("internal error on a page", metadata: ["error": "\(String(reflecting: error))"])
            return page(.internalServerError, "Something went wrong on our side. It has been logged; try again later.")
        }
    }

    private func page(_ status: HTTPResponse.Status, _ message: String) -> Response {
        renderer.page("error", title: status.reasonPhrase, visit: nil, ErrorPage(heading: status.reasonPhrase, message: message), status: status)
    }
}
