import Foundation
import Hummingbird
import QuireCore
import QuireExchange
import QuireJobs
import QuireStore

/// A reader's data out of Quire (issue 13): the export runs as a job; the file is served to its
/// owner only, until it expires.
///
///     POST /v1/me/exports                 {"format": F}: 202 with the job (and the export)
///     GET  /v1/me/exports                 the reader's exports, newest first
///     GET  /v1/me/exports/{id}/download   the file (ETag, Range), to its owner only
public struct ExportsController: Sendable {
    let queue: JobQueue
    let settings: ExportSettings

    public init(queue: JobQueue, settings: ExportSettings) {
        self.queue = queue
        self.settings = settings
    }

    var database: Database { queue.database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post("/v1/me/exports", use: create)
        router.get("/v1/me/exports", use: list)
        router.get("/v1/me/exports/{id}/download", use: download)
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeInput(as: ExportInput.self)
        guard let format = ExportFormat(rawValue: input.format) else {
            throw APIError.invalid("format", "must be one of \(ExportFormat.names)")
        }
        let (exportID, job) = try await start(format, user: user)
        return JobResponse.accepted(job, "export_id", exportID)
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: ExportResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let exports = try await database.read {
            try await ExportQueries.list(userID: user.id, before: before, limit: page.limit + 1, on: $0)
        }
        return ExportResponse.page(exports, limit: page.limit, selection: selection)
    }

    @Sendable func download(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "export")
        return try await download(id, user: user, request: request, context: context)
    }

    /// Enqueues an export of the user's data, one an interval (a 429 sooner): the API's and the
    /// export page's one way to start one.
    public func start(_ format: ExportFormat, user: UserRecord) async throws -> (exportID: Int64, job: JobRecord) {
        let (engine, interval) = (database.engine, settings.interval.microseconds)
        return try await queue.enqueue { db, enqueue in
            // The owner's row is locked first on PostgreSQL, so two requests at once can't both
            // pass the check below (SQLite's one writer already runs them one after the other).
            if engine == .postgres { try await db.raw("SELECT id FROM users WHERE id = \(bind: user.id) FOR UPDATE").run() }
            let now = Timestamp.microsecondsNow()
            if interval > 0, let last = try await ExportQueries.lastCounted(userID: user.id, on: db), now - last < interval {
                let wait = (interval - (now - last) + 999_999) / 1_000_000
                var error = APIError(.tooManyRequests, code: "export_too_soon",
                                     message: "one export an interval of \(interval / 1_000_000) s; try again in \(wait) s")
                error.headers[.retryAfter] = String(wait)
                throw error
            }
            let id = try await ExportQueries.create(userID: user.id, format: format.rawValue, jobID: 0, now: now, on: db)
            var job = NewJob(kind: AccountExportJob.name, args: "{\"export_id\":\(id)}")
            job.ownerID = user.id
            let record = try await enqueue(job)
            try await ExportQueries.attach(id, jobID: record.id, on: db)
            return (id, record)
        }
    }

    /// The export's file, to its owner only (404 to anyone else, 410 once expired), with an ETag
    /// and one byte range.
    public func download(_ id: Int64, user: UserRecord, request: Request, context: QuireRequestContext) async throws -> Response {
        guard let export = try await database.read({ try await ExportQueries.find(id, userID: user.id, on: $0) }) else {
            throw APIError.notFound("export")
        }
        if export.expiredAt != nil {
            throw APIError(.gone, code: "export_expired", message: "the export's file expired; ask for a new export")
        }
        guard let fileName = export.fileName, let size = export.size, let format = ExportFormat(rawValue: export.format) else {
            throw APIError(.conflict, code: "export_not_ready", message: "the export is \(export.state); its file is not ready")
        }
        let served = FileDownload(
            path: settings.path(fileName: fileName), size: size, etag: "\"export-\(export.id)-\(size)\"",
            contentType: format.contentType,
            fileName: "quire-\(user.username)-\(export.id).\(format.fileExtension)")
        return try await served.response(to: request, context: context)
    }
}
