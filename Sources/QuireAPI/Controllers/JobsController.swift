import Foundation
import Hummingbird
import QuireCore
import QuireJobs
import QuireStore

/// The operations API: long work answers 202 with a job, which clients follow here.
///
///     GET  /v1/jobs                    the caller's jobs (administrators: everyone's), newest first, ?state=
///     GET  /v1/jobs/{id}               status, progress, result and error
///     POST /v1/jobs/{id}/cancel        cancel: at once when waiting, at the next checkpoint when running
///     GET  /v1/jobs/{id}/events        Server-Sent Events of progress and state until the job ends
///     POST /v1/admin/counters/repair   start a counters.repair job (administrators)
///     POST /v1/admin/jobs/{kind}       start any periodic kind now, as its schedule would, or a noop job (administrators)
public struct JobsController: Sendable {
    let queue: JobQueue
    /// The periodic kinds by name, each with the job its schedule enqueues (arguments and unique
    /// key), so a start by hand runs exactly what the night would.
    let startable: [String: NewJob]
    /// How often the event stream looks at the job.
    let eventInterval: Duration

    public init(queue: JobQueue, startable: [String: NewJob] = [:], eventInterval: Duration = .milliseconds(250)) {
        self.queue = queue
        self.startable = startable
        self.eventInterval = eventInterval
    }

    var database: Database { queue.database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/jobs", use: list)
        router.get("/v1/jobs/{id}", use: show)
        router.post("/v1/jobs/{id}/cancel", use: cancel)
        router.get("/v1/jobs/{id}/events", use: events)
        router.post("/v1/admin/counters/repair", use: startCountersRepair)
        router.post("/v1/admin/jobs/{kind}", use: startPeriodic)
    }

    @Sendable func startPeriodic(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.isAdmin else { throw APIError(.forbidden, code: "forbidden", message: "only administrators may start jobs") }
        let name = context.parameters.get("kind") ?? ""
        guard var job = startable[name] else {
            throw APIError(.notFound, code: "unknown_job_kind",
                           message: "no periodic job kind named \(TextRules.prefix(name, 100)); known kinds are \(startable.keys.sorted().joined(separator: ", "))")
        }
        job.ownerID = user.id
        // The kind's unique key: a start while one waits or runs returns that one.
        let (record, _) = try await queue.enqueue(job)
        return JobResponse(record).envelope(status: .accepted, headers: [.location: "/v1/jobs/\(record.id)"])
    }

    @Sendable func startCountersRepair(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard user.isAdmin else { throw APIError(.forbidden, code: "forbidden", message: "only administrators may repair counters") }
        var job = NewJob(kind: CountersRepairJob.name)
        job.ownerID = user.id
        // One repair at a time: asking again while one waits or runs returns that one.
        job.uniqueKey = CountersRepairJob.name
        let (record, _) = try await queue.enqueue(job)
        return JobResponse(record).envelope(status: .accepted, headers: [.location: "/v1/jobs/\(record.id)"])
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: JobResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        var state: JobState?
        if let text = try request.uri.queryParameters.one("state") {
            guard let parsed = JobState(rawValue: String(text)) else {
                throw APIError.invalid("state", "must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        let filter = state
        let jobs = try await database.read {
            try await JobQueries.list(ownerID: user.isAdmin ? nil : user.id, state: filter, before: before, limit: page.limit + 1, on: $0)
        }
        return JobResponse.page(jobs, limit: page.limit, selection: selection)
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: JobResponse.self)
        let job = try await visibleJob(request, context: context)
        return JobResponse(job).response(selection: selection)
    }

    @Sendable func cancel(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let job = try await visibleJob(request, context: context)
        guard !job.state.isFinished else {
            throw APIError(.conflict, code: "job_finished", message: "the job already ended as \(job.state.rawValue)")
        }
        guard let cancelled = try await queue.cancel(job.id) else { throw APIError.notFound("job") }
        return JobResponse(cancelled).response(status: .accepted)
    }

    @Sendable func events(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let first = try await visibleJob(request, context: context)
        let (database, interval, id) = (database, eventInterval, first.id)
        let body = ResponseBody { writer in
            var last: JobRecord?
            var current: JobRecord? = first
            while let job = current {
                if job != last {
                    try await writer.write(ByteBuffer(string: "event: \(job.state.rawValue)\ndata: \(JobResponse(job).line)\n\n"))
                    last = job
                }
                if job.state.isFinished { break }
                try await Task.sleep(for: interval)
                current = try await database.read { try await JobQueries.find(id, on: $0) }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// The job if the caller owns it or is an administrator; anyone else's is a 404.
    private func visibleJob(_ request: Request, context: QuireRequestContext) async throws -> JobRecord {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "job")
        guard let job = try await database.read({ try await JobQueries.find(id, on: $0) }),
              user.isAdmin || job.ownerID == user.id else { throw APIError.notFound("job") }
        return job
    }
}
