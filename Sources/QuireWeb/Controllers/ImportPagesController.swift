import Foundation
import Hummingbird
import QuireAPI
import QuireCore
import QuireExchange
import QuireStore

/// Importing a library through the pages, by the API's own upload and job.
///
///     GET  /import               the upload form and the reader's imports, newest first
///     POST /import               the form (multipart: `csrf`, `file`, `format`, `privacy`): starts the import
///     GET  /import/{id}          its progress and counts, then its report (`?after=` more rows)
///     GET  /import/{id}/events   Server-Sent Events of its progress until it settles, for the progress bar
///
/// Someone else's import is not found.
struct ImportPagesController: Sendable {
    let web: WebEnvironment
    let imports: ImportsController
    static let listed = 20
    static let reportRows = 200
    /// How often the event stream reads the import.
    static let eventInterval = Duration.milliseconds(400)

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/import", use: index)
        router.post("/import", use: upload)
        router.get("/import/{id}", use: show)
        router.get("/import/{id}/events", use: events)
    }

    struct IndexPage: Sendable {
        struct Format: Sendable {
            let value: String
            let label: String
        }
        let formats: [Format]
        let privacies: [PrivacyOption]
        let imports: [ImportView]
    }

    @Sendable func index(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/import")
        let limit = Self.listed
        let records = try await web.database.read { try await ImportQueries.list(userID: user.id, before: nil, limit: limit, on: $0) }
        let page = IndexPage(
            formats: [.init(value: "", label: "Recognise it")] + ImportFormat.allCases.map { .init(value: $0.rawValue, label: $0.rawValue) },
            privacies: PrivacyOption.all(default: user.defaultPrivacy), imports: records.map(ImportView.init))
        return web.renderer.page("import", title: "Import", visit: visit, page)
    }

    @Sendable func upload(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let user = try web.requireUser(visit, back: "/import")
        // The token travels in the multipart body, read as the file streams to disk; a mismatch
        // refuses the upload (its file removed) before any job is made.
        let expected = visit.newCSRFCookie == nil ? visit.csrf : nil
        let (importID, _) = try await imports.start(request, user: user, format: nil, privacy: nil) { fields in
            guard let expected, let sent = fields["csrf"], WebToken.equal(sent, expected) else { throw WebError.forgedForm }
        }
        return PageRenderer.redirect("/import/\(importID)")
    }

    struct ShowPage: Sendable {
        struct Row: Sendable {
            let number: Int64
            let result: String
            let editionID: Int64?
            /// Not `title`: a missing one would be looked up outward and find the page's title.
            let bookName: String?
            let reason: String?
        }
        let item: ImportView
        let rows: [Row]
        let more: String?
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "import")
        let user = try web.requireUser(visit, back: "/import/\(id)")
        var after: Int64?
        if let text = request.uri.queryParameters.get("after") {
            guard let value = ClientNumber.whole(text, in: 0...Int64.max) else { throw WebError(.badRequest, "after: must be a whole number") }
            after = value
        }
        let (start, limit) = (after, Self.reportRows)
        let loaded = try await web.database.read { db -> (ImportRecord, [ImportRowRecord], [Int64: EditionRecord])? in
            guard let record = try await ImportQueries.find(id, userID: user.id, on: db) else { return nil }
            let rows = try await ImportQueries.rows(id, result: nil, after: start, limit: limit + 1, on: db)
            // The books' titles in one statement, however many rows (no N+1).
            let editions = try await EditionQueries.find(ids: Array(Set(rows.prefix(limit).compactMap(\.editionID))), on: db)
            return (record, rows, editions)
        }
        guard let (record, rows, editions) = loaded else { throw WebError.notFound("import") }
        let shown = rows.prefix(limit)
        let page = ShowPage(
            item: ImportView(record),
            rows: shown.map {
                .init(number: $0.number, result: $0.result.rawValue, editionID: $0.editionID,
                      bookName: $0.editionID.flatMap { editions[$0]?.title }, reason: $0.reason)
            },
            more: rows.count > limit ? shown.last.map { "/import/\(id)?after=\($0.number)" } : nil)
        return web.renderer.page("importpage", title: "Import \(id)", visit: visit, page)
    }

    /// `event: progress` with the import's counts each time they change, then `event: end`.
    @Sendable func events(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let id = try WebQuery.id("id", context, what: "import")
        guard let user = visit.user else { throw WebError(.unauthorized, "Sign in to follow an import.") }
        let database = web.database
        guard let first = try await database.read({ try await ImportQueries.find(id, userID: user.id, on: $0) }) else {
            throw WebError.notFound("import")
        }
        let body = ResponseBody { writer in
            var last: String?
            var current: ImportRecord? = first
            while let record = current {
                let line = ImportView(record).json
                if line != last {
                    try await writer.write(ByteBuffer(string: "event: progress\ndata: \(line)\n\n"))
                    last = line
                }
                if record.isSettled { break }
                try await Task.sleep(for: Self.eventInterval)
                current = try await database.read { try await ImportQueries.find(id, userID: user.id, on: $0) }
            }
            try await writer.write(ByteBuffer(string: "event: end\ndata: {}\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}

/// An import as its pages show it.
struct ImportView: Sendable {
    let id: Int64
    let format: String
    let fileName: String
    let state: String
    let running: Bool
    let done: Int64
    let total: Int64
    let matched: Int64
    let created: Int64
    let skipped: Int64
    let failed: Int64
    let date: String

    init(_ record: ImportRecord) {
        id = record.id
        format = record.format
        fileName = record.originalName ?? "upload"
        state = record.state
        running = !record.isSettled
        done = record.rowsReported
        // Until the job has counted the file's rows, the bar shows the rows done so far.
        total = max(record.progressTotal ?? record.rowsReported, record.rowsReported)
        (matched, created, skipped, failed) = (record.matched, record.created, record.skipped, record.failed)
        date = PageDate.readable(Timestamp.date(microseconds: record.createdAt))
    }

    /// The counts the progress bar's script reads, as JSON with nothing to escape.
    var json: String {
        "{\"state\":\"\(state)\",\"done\":\(done),\"total\":\(total),\"matched\":\(matched),\"created\":\(created),\"skipped\":\(skipped),\"failed\":\(failed)}"
    }
}
