import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// An import as its owner sees it: its state, progress, and what happened to its rows so far.
struct ImportResponse: JSONWritable {
    let record: ImportRecord
    let progressDone: Int64?

    static let fieldNames = ["id", "format", "state", "job_id", "progress", "privacy", "file_name", "size", "rows", "matched",
                             "created", "skipped", "failed", "retrying", "unresolved", "rows_url", "failed_csv_url", "created_at",
                             "finished_at"]

    /// The archive's follows and blocks that name no account here.
    var unresolved: [[String: String]]? {
        record.unresolved.flatMap { try? JSONDecoder().decode([[String: String]].self, from: Data($0.utf8)) }
    }

    func write(to w: inout JSONWriter) {
        let i = record
        w.beginObject()
        if w.key("id") { w.int(i.id) }
        if w.key("format") { w.string(i.format) }
        if w.key("state") { w.string(i.state) }
        if w.key("job_id") { w.int(i.jobID) }
        if w.key("progress") { JobResponse.Progress(done: progressDone ?? i.rowsDone, total: i.progressTotal, message: "rows").write(to: &w) }
        if w.key("privacy") { w.string(i.privacy) }
        if let name = i.originalName, w.key("file_name") { w.string(name) }
        if w.key("size") { w.int(i.size) }
        if w.key("rows") { w.int(i.rowsReported) }
        if w.key("matched") { w.int(i.matched) }
        if w.key("created") { w.int(i.created) }
        if w.key("skipped") { w.int(i.skipped) }
        if w.key("failed") { w.int(i.failed) }
        if w.key("retrying") { w.bool(i.retrying) }
        if let people = unresolved, w.key("unresolved") {
            w.beginArray()
            for person in people {
                w.beginObject()
                if w.key("kind") { w.string(person["kind"] ?? "") }
                if w.key("url") { w.string(person["url"] ?? "") }
                w.endObject()
            }
            w.endArray()
        }
        if w.key("rows_url") { w.string("/v1/me/imports/\(i.id)/rows") }
        if i.failed > 0, w.key("failed_csv_url") { w.string("/v1/me/imports/\(i.id)/failed.csv") }
        if w.key("created_at") { w.date(Timestamp.date(microseconds: i.createdAt)) }
        if let finished = i.finishedAt, w.key("finished_at") { w.date(Timestamp.date(microseconds: finished)) }
        w.endObject()
    }

    static func page(_ rows: [ImportRecord], limit: Int, selection: FieldSelection) -> Response {
        JSONPage.response(rows, limit: limit, selection: selection, bytesPerItem: 400, cursor: { Cursor([.int($0.id)]) }) { record, w in
            ImportResponse(record: record, progressDone: nil).write(to: &w)
        }
    }
}

/// One line of an import's report.
struct ImportRowResponse: JSONWritable {
    let line: ImportRowRecord

    static let fieldNames = ["row", "result", "edition_id", "reason"]

    func write(to w: inout JSONWriter) {
        w.beginObject()
        if w.key("row") { w.int(line.number) }
        if w.key("result") { w.string(line.result.rawValue) }
        if let edition = line.editionID, w.key("edition_id") { w.int(edition) }
        if let reason = line.reason, w.key("reason") { w.string(reason) }
        w.endObject()
    }

    static func page(_ rows: [ImportRowRecord], limit: Int, selection: FieldSelection) -> Response {
        JSONPage.response(rows, limit: limit, selection: selection, bytesPerItem: 120, cursor: { Cursor([.int($0.number)]) }) { line, w in
            ImportRowResponse(line: line).write(to: &w)
        }
    }
}
