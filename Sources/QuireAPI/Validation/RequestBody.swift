import Foundation
import Hummingbird

/// The one way a JSON request body is read: every failure is a 400 naming the field at fault,
/// and a body is refused whole before anything is written.
extension Request {
    /// The body decoded as `T`. No request field in the API is nullable (an empty string clears
    /// a text), so an explicit `null` is refused rather than read as "left out"; and text holding
    /// U+0000 is refused, since neither engine reads it back whole (PostgreSQL refuses it outright).
    func decodeInput<T: Decodable>(as type: T.Type) async throws -> T {
        var request = self
        // BodyLimitMiddleware has already bounded the body by the configured limit.
        let data = Data(buffer: try await request.collectBody(upTo: .max))
        return try RequestBody.decode(type, from: data)
    }

    /// A JSON body that may be left out (shelving, marking notifications read): nil when the
    /// body is empty, else as `decodeInput`.
    func optionalInput<T: Decodable>(as type: T.Type) async throws -> T? {
        var request = self
        let body = try await request.collectBody(upTo: .max)
        guard body.readableBytes > 0 else { return nil }
        return try RequestBody.decode(type, from: Data(buffer: body))
    }
}

enum RequestBody {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value: T
        do {
            value = try JSONCoding.decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw problem(error, in: data)
        }
        // A second, shallow read: which top-level keys are null, and whether any string holds NUL.
        if let probes = try? JSONCoding.decoder.decode([String: ValueProbe].self, from: data) {
            for key in probes.keys.sorted() {
                guard let probe = probes[key] else { continue }
                if probe.isNull { throw APIError.invalid(key, "must not be null; leave the field out instead") }
                if probe.holdsNUL { throw APIError.invalid(key, "must not contain the NUL character (U+0000)") }
            }
        }
        return value
    }

    /// A decoding failure as the field it happened at and what was wrong, in the wire's names.
    static func problem(_ error: DecodingError, in data: Data) -> APIError {
        switch error {
        case let .typeMismatch(expected, context):
            return APIError.invalid(field(context.codingPath), "must be \(describe(expected))")
        case let .valueNotFound(expected, context):
            return APIError.invalid(field(context.codingPath), "must be \(describe(expected)), not null")
        case let .keyNotFound(key, context):
            return APIError.invalid(field(context.codingPath + [key]), "is required")
        case let .dataCorrupted(context) where !context.codingPath.isEmpty:
            return APIError.invalid(field(context.codingPath), "is out of range or not valid here")
        case .dataCorrupted:
            // Foundation reports a number too big for an integer field (1e19 for an id) without
            // its key; the body is valid JSON then, so the first such number names the field.
            return outOfRangeInteger(in: data).map { APIError.invalid($0, "must be a whole number that fits in 64 bits") } ?? malformed
        default:
            return malformed
        }
    }

    static let malformed = APIError(.badRequest, code: "malformed_body", message: "the request body is not valid JSON, or not a JSON object")

    /// The first top-level key, in key order, whose value is a number no Int64 holds exactly.
    private static func outOfRangeInteger(in data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object.keys.sorted().first { key in
            guard let number = object[key] as? NSNumber, !(number is Bool) else { return false }
            return Int64(exactly: number.doubleValue) == nil || number.stringValue.contains("e")
        }
    }

    static func field(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "body" }
        return path.map { key in key.intValue.map { "\($0)" } ?? snakeCase(key.stringValue) }.joined(separator: ".")
    }

    private static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Bool.Type, is Bool?.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int?.Type, is Int64?.Type: "a whole number"
        case is Double.Type, is Double?.Type: "a number"
        default: "of another type"
        }
    }
}

/// What the second read of a body needs to know of one top-level value.
private struct ValueProbe: Decodable {
    let isNull: Bool
    let holdsNUL: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        isNull = container.decodeNil()
        if !isNull, let text = try? container.decode(String.self) {
            holdsNUL = text.utf8.contains(0)
        } else if !isNull, let list = try? container.decode([String].self) {
            holdsNUL = list.contains { $0.utf8.contains(0) }
        } else {
            holdsNUL = false
        }
    }
}
