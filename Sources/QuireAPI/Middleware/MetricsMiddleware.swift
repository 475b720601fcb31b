import Hummingbird
import Metrics

/// Counts requests by route template, method and status, and times them by route. Labels use
/// the route template (`/v1/shelves/{id}/books`), never the raw path, so ids can't multiply the
/// series.
struct MetricsMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        Counter(label: "quire_http_requests_total", dimensions: [
            ("route", route), ("method", request.method.rawValue), ("status", String(response.status.code)),
        ]).increment()
        Metrics.Timer(label: "quire_http_request_duration_seconds", dimensions: [("route", route)])
            .recordInterval(since: start)
        return response
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
