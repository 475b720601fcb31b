import Foundation
import Hummingbird

/// The API's own description.
///
///     GET /openapi.json   the OpenAPI 3.1 document of every route (Sources/QuireAPI/OpenAPI/openapi.json)
public struct OpenAPIController: Sendable {
    public init() {}

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/openapi.json", use: document)
    }

    /// Read from the bundle once; a ByteBuffer is shared copy-on-write, so each response costs no copy.
    static let documentBytes: ByteBuffer? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }
        .map { ByteBuffer(bytes: $0) }

    @Sendable func document(_ request: Request, context: QuireRequestContext) async throws -> Response {
        guard let bytes = Self.documentBytes else {
            context.logger.error("openapi.json is missing from the QuireAPI bundle")
            throw APIError(.internalServerError, code: "internal_error", message: "internal server error")
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: bytes))
    }
}
