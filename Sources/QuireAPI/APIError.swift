import Foundation
import HTTPTypes
import Hummingbird

/// An error a client can act on: a status, a stable machine-readable code, a message for people,
/// and the request field at fault when there is one. The error middleware renders it as
/// `{"error": {"code": ..., "message": ..., "field": ...}}`.
public struct APIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_field", message: "\(field): \(message)", field: field)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }

    public static let unauthorized = APIError(.unauthorized, code: "unauthorized", message: "a valid bearer token is required")
}

/// The JSON body of every error response.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let field: String?
        let requestId: String?
    }
    let error: Detail
}
