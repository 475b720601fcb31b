import Hummingbird
import Metrics
import QuireStore

/// Counts requests by route template, method and status, and times them by route and method (a
/// template's GET and its POST are a read and a write, whose times differ). Labels use
/// the route template (`/v1/shelves/{id}/books`), never the raw path, so ids can't multiply the
/// series. Also records how many SQL statements each request ran, by route and method: an N+1
/// shows as a route whose statements grow with the page.
struct MetricsMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        Counter(label: "quire_http_requests_total", dimensions: [
            ("route", route), ("method", request.method.rawValue), ("status", String(response.status.code)),
        ]).increment()
        Metrics.Timer(label: "quire_http_request_duration_seconds", dimensions: [("route", route), ("method", request.method.rawValue)])
            .recordInterval(since: start)
        // The access log's recorder, which wraps this middleware (see APIMiddleware's order).
        if let statements = StatementRecorder.current?.count {
            Recorder(label: "quire_http_request_statements", dimensions: [("route", route), ("method", request.method.rawValue)])
                .record(statements)
        }
        return response
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
