import Foundation
import Hummingbird
import QuireCore

/// A response type whose top-level fields a client may pick with `?fields=a,b,c`.
protocol FieldNamed: Sendable {
    /// Every field the type can carry, as named on the wire.
    static var fieldNames: [String] { get }
}

/// A field-selectable response written by `JSONEncoder` (a status is written by `JSONWriter`).
protocol FieldSelectable: FieldNamed, Encodable {}

/// The fields a request asked for; nil means all of them.
struct FieldSelection: Sendable {
    let names: Set<String>?

    static let all = FieldSelection(names: nil)

    /// Whether the response will carry `field`, so a read only it needs can be skipped.
    func includes(_ field: String) -> Bool { names?.contains(field) ?? true }

    /// Parses `?fields=` against `type`'s fields; an unknown name is a 400 naming it.
    static func parse<T: FieldNamed>(_ request: Request, for type: T.Type) throws -> FieldSelection {
        try parse(request.uri.queryParameters.one("fields"), for: type)
    }

    /// Parses the text of `?fields=`; nil or empty selects every field.
    static func parse<T: FieldNamed>(_ text: String?, for type: T.Type) throws -> FieldSelection {
        guard let text, !text.isEmpty else { return .all }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = Set(T.fieldNames)
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw APIError(.badRequest, code: "unknown_field",
                           message: "fields: unknown field \(unknown); known fields are \(T.fieldNames.joined(separator: ", "))", field: "fields")
        }
        return FieldSelection(names: Set(names))
    }

    /// Drops the fields not asked for from one encoded object. Only runs when `fields` was given,
    /// so a plain request pays nothing for the feature.
    func apply(to object: Any) -> Any {
        guard let names, let dictionary = object as? [String: Any] else { return object }
        return dictionary.filter { names.contains($0.key) }
    }
}

/// Encodes responses as snake_case JSON, honouring the field selection.
enum JSONBody {
    /// A response of JSON already written (by `JSONWriter`).
    static func response(buffer: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        // Every 200 carries its tag; HTTPCacheMiddleware keeps it on GETs and answers 304 there.
        if status == .ok { headers[.eTag] = ETag.of(buffer) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, selection: FieldSelection = .all,
                                       itemsKey: String? = nil, headers: HTTPFields = [:]) throws -> Response {
        var data = try JSONCoding.encoder.encode(value)
        if selection.names != nil, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let itemsKey, let items = object[itemsKey] as? [Any] {
                object[itemsKey] = items.map(selection.apply)
            } else if let filtered = selection.apply(to: object) as? [String: Any] {
                object = filtered
            }
            data = try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        }
        return response(buffer: ByteBuffer(bytes: data), status: status, headers: headers)
    }
}
