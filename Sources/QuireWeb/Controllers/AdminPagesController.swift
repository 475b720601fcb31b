import Hummingbird
import QuireAPI
import QuireCore
import QuireStore

/// Administration.
///
///     GET /admin/jobs   every job, newest first (`?state=`, `?before=` older); administrators only
struct AdminPagesController: Sendable {
    let web: WebEnvironment
    static let pageSize = 50

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/admin/jobs", use: jobs)
    }

    struct JobsPage: Sendable {
        struct Entry: Sendable {
            let id: Int64
            let kind: String
            let state: String
            let attempts: Int
            let progress: String
            let error: String?
            let date: String
        }
        let state: String
        let jobs: [Entry]
        let older: OlderLink?
    }

    /// The same statements as an administrator's `GET /v1/jobs` plus the session lookup.
    @Sendable func jobs(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/admin/jobs")
        guard user.isAdmin else { throw WebError(.forbidden, "Only administrators may see the jobs.") }
        var state: JobState?
        if let text = request.uri.queryParameters.get("state"), !text.isEmpty {
            guard let parsed = JobState(rawValue: text) else {
                throw WebError(.badRequest, "state: must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        let before = try WebQuery.before(request)
        let (filter, limit) = (state, Self.pageSize)
        let rows = try await web.database.read { try await JobQueries.list(ownerID: nil, state: filter, before: before, limit: limit + 1, on: $0) }
        let page = JobsPage(
            state: state?.rawValue ?? "",
            jobs: rows.prefix(limit).map { job in
                .init(id: job.id, kind: job.kind, state: job.state.rawValue, attempts: job.attempts,
                      progress: job.progressDone.map { done in job.progressTotal.map { "\(done) of \($0)" } ?? "\(done)" } ?? "",
                      error: job.lastError, date: PageDate.readable(Timestamp.date(microseconds: job.createdAt)))
            },
            older: OlderLink(rows: rows, limit: limit, base: "/admin/jobs" + (state.map { "?state=\($0.rawValue)" } ?? ""), id: \.id))
        return web.renderer.page("adminjobs", title: "Jobs", visit: visit, page)
    }
}
