import Foundation
import Hummingbird
import QuireAPI
import QuireCore
import QuireExchange
import QuireStore

/// Exporting the reader's data through the pages, by the API's own export job and download.
///
///     GET  /export                   the format menu and the reader's exports, newest first
///     POST /export                   start one (`format`); one an interval, as the API allows
///     GET  /export/{id}/events       Server-Sent Events of its progress until it ends, for its bar
///     GET  /export/{id}/download     the file, to its owner only
struct ExportPagesController: Sendable {
    let web: WebEnvironment
    let exports: ExportsController
    static let listed = 20
    static let eventInterval = Duration.milliseconds(400)

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/export", use: index)
        router.post("/export", use: start)
        router.get("/export/{id}/events", use: events)
        router.get("/export/{id}/download", use: download)
    }

    struct IndexPage: Sendable {
        struct Format: Sendable {
            let value: String
            let label: String
        }
        let formats: [Format]
        let exports: [ExportView]
    }

    @Sendable func index(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/export")
        return try await page(visit: visit, user: user)
    }

    @Sendable func start(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let user = try web.requireUser(visit, back: "/export")
        guard let format = form["format"].flatMap(ExportFormat.init(rawValue:)) else {
            throw WebError(.badRequest, "format: must be one of \(ExportFormat.names)")
        }
        do {
            _ = try await exports.start(format, user: user)
        } catch let error as APIError {
            // Too soon after the last one: say when, on the page itself.
            return try await page(visit: visit, user: user, message: error.message, status: error.status)
        }
        return PageRenderer.redirect("/export")
    }

    private func page(visit: WebVisit, user: UserRecord, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let limit = Self.listed
        let records = try await web.database.read { try await ExportQueries.list(userID: user.id, before: nil, limit: limit, on: $0) }
        let page = IndexPage(
            formats: [("bookwyrm", "BookWyrm archive (everything, for moving to BookWyrm)"), ("bookwyrm-csv", "BookWyrm CSV"),
                      ("goodreads", "Goodreads CSV (for StoryGraph and others)")].map { .init(value: $0.0, label: $0.1) },
            exports: records.map(ExportView.init))
        return web.renderer.page("export", title: "Export", visit: visit, page, message: message, status: status)
    }

    @Sendable func events(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "export")
        guard let user = visit.user else { throw WebError(.unauthorized, "Sign in to follow an export.") }
        let database = web.database
        guard let first = try await database.read({ try await ExportQueries.find(id, userID: user.id, on: $0) }) else {
            throw WebError.notFound("export")
        }
        let body = ResponseBody { writer in
            var last: String?
            var current: ExportRecord? = first
            while let record = current {
                let view = ExportView(record)
                if view.json != last {
                    try await writer.write(ByteBuffer(string: "event: progress\ndata: \(view.json)\n\n"))
                    last = view.json
                }
                if !view.running { break }
                try await Task.sleep(for: Self.eventInterval)
                current = try await database.read { try await ExportQueries.find(id, userID: user.id, on: $0) }
            }
            try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }

    @Sendable func download(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "export")
        let user = try web.requireUser(visit, back: "/export")
        return try await exports.download(id, user: user, request: request, context: context)
    }
}

/// An export as its page shows it.
struct ExportView: Sendable {
    let id: Int64
    let format: String
    let state: String
    let running: Bool
    let ready: Bool
    let done: Int64
    let total: Int64
    let size: String?
    let date: String

    init(_ record: ExportRecord) {
        id = record.id
        format = record.format
        state = record.state
        running = record.state == "waiting" || record.state == "running"
        ready = record.state == "ready"
        done = record.progressDone ?? 0
        total = max(record.progressTotal ?? 0, done)
        size = record.size.map { ByteCountFormatter.string(fromByteCount: $0, countStyle: .file) }
        date = PageDate.readable(Timestamp.date(microseconds: record.createdAt))
    }

    var json: String { "{\"state\":\"\(state)\",\"done\":\(done),\"total\":\(total)}" }
}
