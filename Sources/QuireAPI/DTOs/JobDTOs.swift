import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// A job as its owner sees it through the operations API. Written by JSONWriter: starting a job
/// answers with it, and Foundation's JSONEncoder was the largest single cost of that request in a
/// profile under 64 clients. Fields without a value are left out, as JSONEncoder left them.
struct JobResponse: JSONWritable {
    struct Progress: Sendable {
        let done: Int64?
        let total: Int64?
        let message: String?

        /// `{"done": ..., "total": ..., "message": ...}`, each only when known.
        func write(to w: inout JSONWriter) {
            w.beginObject()
            if let done, w.key("done") { w.int(done) }
            if let total, w.key("total") { w.int(total) }
            if let message, w.key("message") { w.string(message) }
            w.endObject()
        }
    }

    let id: Int64
    let kind: String
    let state: String
    let attempts: Int
    let maxAttempts: Int
    let progress: Progress
    let result: JSONValue?
    let lastError: String?
    let runAfter: Date
    let createdAt: Date
    let startedAt: Date?
    let finishedAt: Date?

    static let fieldNames = ["id", "kind", "state", "attempts", "max_attempts", "progress", "result", "last_error",
                             "run_after", "created_at", "started_at", "finished_at"]

    init(_ job: JobRecord) {
        id = job.id
        kind = job.kind
        state = job.state.rawValue
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        progress = Progress(done: job.progressDone, total: job.progressTotal, message: job.progressMessage)
        result = job.result.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        lastError = job.lastError
        runAfter = Timestamp.date(microseconds: job.runAfter)
        createdAt = Timestamp.date(microseconds: job.createdAt)
        startedAt = job.startedAt.map { Timestamp.date(microseconds: $0) }
        finishedAt = job.finishedAt.map { Timestamp.date(microseconds: $0) }
    }
}

extension JobResponse {
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if w.key("id") { w.int(id) }
        if w.key("kind") { w.string(kind) }
        if w.key("state") { w.string(state) }
        if w.key("attempts") { w.int(attempts) }
        if w.key("max_attempts") { w.int(maxAttempts) }
        if w.key("progress") { progress.write(to: &w) }
        if let result, w.key("result") { result.write(to: &w) }
        if let lastError, w.key("last_error") { w.string(lastError) }
        if w.key("run_after") { w.date(runAfter) }
        if w.key("created_at") { w.date(createdAt) }
        if let startedAt, w.key("started_at") { w.date(startedAt) }
        if let finishedAt, w.key("finished_at") { w.date(finishedAt) }
        w.endObject()
    }

    /// `{"job": {...}}`, the body of a 202 that started long work.
    func envelope(status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("job")
        write(to: &w)
        w.endObject()
        return JSONBody.response(buffer: w.buffer, status: status, headers: headers)
    }

    /// A page of jobs from `limit + 1` fetched rows.
    static func page(_ rows: [JobRecord], limit: Int, selection: FieldSelection) -> Response {
        JSONPage.response(rows, limit: limit, selection: selection, bytesPerItem: 400, cursor: { Cursor([.int($0.id)]) }) { job, w in
            JobResponse(job).write(to: &w)
        }
    }
}

/// Any JSON value, to pass a job's stored JSON result through unchanged.
indirect enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func write(to w: inout JSONWriter) {
        switch self {
        case .null: w.null()
        case .bool(let value): w.bool(value)
        case .number(let value): w.double(value)
        case .string(let value): w.string(value)
        case .array(let values):
            w.beginArray()
            for value in values { value.write(to: &w) }
            w.endArray()
        case .object(let members):
            w.beginObject()
            // Sorted, so the same result is written the same way every time.
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                w.key(key)
                value.write(to: &w)
            }
            w.endObject()
        }
    }
}

extension JobResponse {
    /// 202 for long work started by a request: the job (`Location` is its URL) and the id of
    /// the thing it works on (`export_id`, `import_id`).
    static func accepted(_ job: JobRecord, _ key: String, _ id: Int64) -> Response {
        var w = JSONWriter(capacity: 768)
        w.beginObject()
        w.key("job")
        JobResponse(job).write(to: &w)
        w.key(key)
        w.int(id)
        w.endObject()
        return JSONBody.response(buffer: w.buffer, status: .accepted, headers: [.location: "/v1/jobs/\(job.id)"])
    }
}
