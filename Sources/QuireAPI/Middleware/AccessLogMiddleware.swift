import Hummingbird
import Logging
import QuireStore

/// One log line per request: method, route template, status, duration and the number of SQL
/// statements it ran (counted by the store's statement meter through a task-local recorder).
struct AccessLogMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let recorder = StatementRecorder()
        let response = try await StatementRecorder.$current.withValue(recorder) {
            try await next(request, context)
        }
        let elapsed = ContinuousClock.now - start
        context.logger.info("request", metadata: [
            "method": "\(request.method)",
            "route": "\(context.endpointPath ?? "unmatched")",
            "status": "\(response.status.code)",
            "duration_ms": "\(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)",
            "statements": "\(recorder.count)",
        ])
        return response
    }
}
