import Foundation
import Hummingbird
import QuireCore
import QuireExchange
import QuireJobs
import QuireStore

/// A reader's library into Quire (issue 14): the upload is stored and checked (format, columns)
/// at once; the rows are written by a job, which reports each row.
///
///     POST /v1/me/imports?format=F&privacy=P   the file as the body, or a form's `file` part: 202 with the job
///     GET  /v1/me/imports                      the reader's imports, newest first
///     GET  /v1/me/imports/{id}                 its state and counts
///     GET  /v1/me/imports/{id}/rows            its report, row by row, ?result=matched|created|skipped|failed
///     GET  /v1/me/imports/{id}/failed.csv      the failed rows in the file's own columns, plus `reason`
///     POST /v1/me/imports/{id}/retry           runs the failed rows again: 202 with the job
public struct ImportsController: Sendable {
    public static let uploadPath = "/v1/me/imports"

    let queue: JobQueue
    let settings: ImportSettings

    public init(queue: JobQueue, settings: ImportSettings) {
        self.queue = queue
        self.settings = settings
    }

    var database: Database { queue.database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post(RouterPath(Self.uploadPath), use: create)
        router.get("/v1/me/imports", use: list)
        router.get("/v1/me/imports/{id}", use: show)
        router.get("/v1/me/imports/{id}/rows", use: rows)
        router.get("/v1/me/imports/{id}/failed.csv", use: failedCSV)
        router.post("/v1/me/imports/{id}/retry", use: retry)
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        // Query parameters are checked before the body is read, so a bad one costs no upload.
        let format = try query.one("format").map(Self.format)
        let privacy = try query.one("privacy").map(Self.privacy)
        let (importID, job) = try await start(request, user: user, format: format, privacy: privacy)
        return JobResponse.accepted(job, "import_id", importID)
    }

    /// Stores the request's file (its body, or a form's `file` part), checks its format and
    /// columns, and enqueues the import job: the API's upload and the import page's share it.
    /// `check` sees the form's other fields before anything is enqueued (the page's CSRF token);
    /// what it throws refuses the upload, whose file is then removed.
    public func start(
        _ request: Request, user: UserRecord, format: ImportFormat?, privacy: StatusPrivacy?,
        check: @Sendable ([String: String]) throws -> Void = { _ in }
    ) async throws -> (importID: Int64, job: JobRecord) {
        var (format, privacy) = (format, privacy)
        try FileManager.default.createDirectory(atPath: settings.importsFolder, withIntermediateDirectories: true)
        let fileName = "upload-\(UUID().uuidString.lowercased())"
        let upload = try await ImportUpload.receive(request, to: settings.path(fileName: fileName), maxBytes: settings.maxBytes)
        do {
            try check(upload.fields)
            // Given in the query and in the form, one would be ignored: which is the client's guess.
            let twice = "must be given once, in the query or in the form"
            if let field = upload.fields["format"], !field.isEmpty {
                guard format == nil else { throw APIError.invalid("format", twice) }
                format = try Self.format(field)
            }
            if let field = upload.fields["privacy"], !field.isEmpty {
                guard privacy == nil else { throw APIError.invalid("privacy", twice) }
                privacy = try Self.privacy(field)
            }
            let chosen = try format ?? Self.recognise(upload.path)
            let header = try Self.header(of: upload.path, format: chosen, limits: settings.limits)
            let statusPrivacy = privacy ?? StatusPrivacy(accountDefault: user.defaultPrivacy)
            let new = ImportQueries.NewImport(
                userID: user.id, format: chosen.rawValue, privacy: statusPrivacy.rawValue, fileName: fileName,
                originalName: upload.originalName, size: upload.size, header: header)
            return try await queue.enqueue { db, enqueue in
                let id = try await ImportQueries.create(new, now: Timestamp.microsecondsNow(), on: db)
                var job = NewJob(kind: AccountImportJob.name, args: "{\"import_id\":\(id)}")
                job.ownerID = user.id
                let record = try await enqueue(job)
                try await ImportQueries.attach(id, jobID: record.id, retrying: false, on: db)
                return (id, record)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: upload.path)
            throw error
        }
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: ImportResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let imports = try await database.read {
            try await ImportQueries.list(userID: user.id, before: before, limit: page.limit + 1, on: $0)
        }
        return ImportResponse.page(imports, limit: page.limit, selection: selection)
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let record = try await owned(request, context: context)
        return ImportResponse(record: record, progressDone: nil).response(selection: try FieldSelection.parse(request, for: ImportResponse.self))
    }

    @Sendable func rows(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let record = try await owned(request, context: context)
        let selection = try FieldSelection.parse(request, for: ImportRowResponse.self)
        var result: ImportRowResult?
        if let text = try request.uri.queryParameters.one("result") {
            guard let parsed = ImportRowResult(rawValue: text) else {
                throw APIError.invalid("result", "must be one of \(ImportRowResult.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            result = parsed
        }
        let page = try request.pageRequest()
        let after = try page.afterID()
        let (id, filter) = (record.id, result)
        let lines = try await database.read {
            try await ImportQueries.rows(id, result: filter, after: after, limit: page.limit + 1, on: $0)
        }
        return ImportRowResponse.page(lines, limit: page.limit, selection: selection)
    }

    @Sendable func failedCSV(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let record = try await owned(request, context: context)
        let (database, id) = (database, record.id)
        let body = ResponseBody { writer in
            var after: Int64 = 0
            var text: [UInt8] = []
            CSVLine.append(record.header + ["reason"], to: &text)
            try await writer.write(ByteBuffer(bytes: text))
            while true {
                let cursor = after
                let lines = try await database.read { try await ImportQueries.rows(id, result: .failed, after: cursor, limit: 500, on: $0) }
                guard let last = lines.last else { break }
                text.removeAll(keepingCapacity: true)
                for line in lines { CSVLine.append(line.cells + [line.reason ?? ""], to: &text) }
                try await writer.write(ByteBuffer(bytes: text))
                after = last.number
                if lines.count < 500 { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8", .cacheControl: "private, no-cache",
            .contentDisposition: "attachment; filename=\"quire-import-\(id)-failed.csv\"",
        ], body: body)
    }

    @Sendable func retry(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "import")
        let engine = database.engine
        let job = try await queue.enqueue { db, enqueue in
            // The import's row is locked first on PostgreSQL, so two retries at once can't both start.
            if engine == .postgres { try await db.raw("SELECT id FROM imports WHERE id = \(bind: id) FOR UPDATE").run() }
            guard let record = try await ImportQueries.find(id, userID: user.id, on: db) else { throw APIError.notFound("import") }
            guard record.isSettled else {
                throw APIError(.conflict, code: "import_running", message: "the import is \(record.state); retry it once it has finished")
            }
            guard record.failed > 0 else {
                throw APIError(.conflict, code: "nothing_to_retry", message: "the import has no failed rows")
            }
            var job = NewJob(kind: AccountImportJob.name, args: "{\"import_id\":\(id)}")
            job.ownerID = user.id
            let created = try await enqueue(job)
            try await ImportQueries.attach(id, jobID: created.id, retrying: true, on: db)
            return created
        }
        return JobResponse.accepted(job, "import_id", id)
    }

    private func owned(_ request: Request, context: QuireRequestContext) async throws -> ImportRecord {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "import")
        guard let record = try await database.read({ try await ImportQueries.find(id, userID: user.id, on: $0) }) else {
            throw APIError.notFound("import")
        }
        return record
    }

    static func format(_ text: String) throws -> ImportFormat {
        guard let format = ImportFormat(rawValue: text) else { throw APIError.invalid("format", "must be one of \(ImportFormat.names)") }
        return format
    }

    static func privacy(_ text: String) throws -> StatusPrivacy {
        guard let privacy = StatusPrivacy(rawValue: text) else {
            throw APIError.invalid("privacy", "must be one of \(StatusPrivacy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return privacy
    }

    static func recognise(_ path: String) throws -> ImportFormat {
        do { return try ImportFiles.detect(path: path) } catch let error as ImportFileError { throw refusal(error) }
    }

    /// The file's columns, read now so a file without the format's columns is refused with the
    /// request. An archive's contents are read by the job (its JSON may be large), which records
    /// its columns then.
    static func header(of path: String, format: ImportFormat, limits: ImportLimits) throws -> [String] {
        guard format != .bookwyrm else { return [] }
        do {
            return try ImportFiles.open(format, path: path, limits: limits, now: Timestamp.microsecondsNow()).header
        } catch let error as ImportFileError {
            throw refusal(error)
        }
    }

    static func refusal(_ error: ImportFileError) -> APIError {
        switch error {
        case .empty: APIError(.badRequest, code: "import_empty", message: "file: \(error.message)", field: "file")
        case .unrecognised: APIError(.badRequest, code: "import_unrecognised", message: "file: \(error.message)", field: "file")
        case .missingColumns: APIError(.badRequest, code: "import_missing_columns", message: "file: \(error.message)", field: "file")
        case .malformed, .tooLarge: APIError(.badRequest, code: "import_malformed", message: "file: \(error.message)", field: "file")
        }
    }
}
