import Foundation
import QuireStore

/// A job as its owner sees it through the operations API.
struct JobResponse: FieldSelectable {
    struct Progress: Encodable, Sendable {
        let done: Int64?
        let total: Int64?
        let message: String?
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

/// `{"job": {...}}`, the body of a 202 that started long work.
struct JobEnvelope: Encodable, Sendable {
    let job: JobResponse
}

/// Any JSON value, to pass a job's stored JSON result through unchanged.
indirect enum JSONValue: Codable, Sendable {
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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
