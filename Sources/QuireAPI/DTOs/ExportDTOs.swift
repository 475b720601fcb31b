import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// `POST /v1/me/exports`'s body.
struct ExportInput: Decodable {
    let format: String
}

/// An export as its owner sees it.
struct ExportResponse: JSONWritable {
    let id: Int64
    let format: String
    let state: String
    let jobID: Int64
    let progress: JobResponse.Progress
    let books: Int64?
    let size: Int64?
    let createdAt: Date
    let finishedAt: Date?
    let expiresAt: Date?

    static let fieldNames = ["id", "format", "state", "job_id", "progress", "books", "size", "download_url", "created_at",
                             "finished_at", "expires_at"]

    init(_ export: ExportRecord) {
        id = export.id
        format = export.format
        state = export.state
        jobID = export.jobID
        progress = JobResponse.Progress(done: export.progressDone, total: export.progressTotal, message: nil)
        books = export.books
        size = export.size
        createdAt = Timestamp.date(microseconds: export.createdAt)
        finishedAt = export.finishedAt.map { Timestamp.date(microseconds: $0) }
        expiresAt = export.expiresAt.map { Timestamp.date(microseconds: $0) }
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        if w.key("id") { w.int(id) }
        if w.key("format") { w.string(format) }
        if w.key("state") { w.string(state) }
        if w.key("job_id") { w.int(jobID) }
        if w.key("progress") { progress.write(to: &w) }
        if let books, w.key("books") { w.int(books) }
        if let size, w.key("size") { w.int(size) }
        if state == "ready", w.key("download_url") { w.string("/v1/me/exports/\(id)/download") }
        if w.key("created_at") { w.date(createdAt) }
        if let finishedAt, w.key("finished_at") { w.date(finishedAt) }
        if let expiresAt, w.key("expires_at") { w.date(expiresAt) }
        w.endObject()
    }

    /// A page of exports from `limit + 1` fetched rows.
    static func page(_ rows: [ExportRecord], limit: Int, selection: FieldSelection) -> Response {
        JSONPage.response(rows, limit: limit, selection: selection, bytesPerItem: 300, cursor: { Cursor([.int($0.id)]) }) { export, w in
            ExportResponse(export).write(to: &w)
        }
    }
}
