import Hummingbird
import Logging
import QuireAPI
import QuireStore

/// Turns a refusal on a page into a page saying why, with the status the API would answer; a bug
/// is logged with the request id and shown as a plain apology, never a stack trace.
struct WebErrorMiddleware: RouterMiddleware {
    let renderer: PageRenderer
    let visits: WebVisits

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
            return await page(error.status, error.message, request)
        } catch let error as APIError {
            // The API's own checks (a bad field, a taken name, a wrong password) say what was wrong.
            var response = await page(error.status, error.message, request)
            if let retry = error.headers[.retryAfter] { response.headers[.retryAfter] = retry }
            return response
        } catch DatabaseError.unavailable {
            var response = page(.serviceUnavailable, "The database does not answer. Try again in a moment.", visit: nil)
            response.headers[.retryAfter] = "1"
            return response
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            return await page(error.status, error.status == .contentTooLarge ? "What you sent is too large." : error.status.reasonPhrase, request)
        } catch {
            context.logger.error("internal error on a page", metadata: ["error": "\(String(reflecting: error))"])
            return page(.internalServerError, "Something went wrong on our side. It has been logged; try again later.", visit: nil)
        }
    }

    /// The 404 page for a path no route serves, when a browser asks for a page (a GET or HEAD
    /// accepting HTML, outside the API's `/v1/`); nil otherwise, for the API's JSON 404.
    func notFoundPage(_ request: Request) async -> Response? {
        guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/v1/"),
              request.headers[values: .accept].contains(where: { $0.contains("text/html") })
        else { return nil }
        return await page(.notFound, "There is no page here.", request)
    }

    /// A refusal shows the reader's own navigation when their session can be read (from the
    /// session cache, usually); when it can't, the page goes out without it.
    private func page(_ status: HTTPResponse.Status, _ message: String, _ request: Request) async -> Response {
        page(status, message, visit: try? await visits.visit(request))
    }

    private func page(_ status: HTTPResponse.Status, _ message: String, visit: WebVisit?) -> Response {
        renderer.page("error", title: status.reasonPhrase, visit: visit, ErrorPage(heading: status.reasonPhrase, message: message), status: status)
    }
}
