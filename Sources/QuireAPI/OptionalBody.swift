import Foundation
import Hummingbird

extension Request {
    /// A JSON body that may be left out (shelving, marking notifications read): nil when the
    /// body is empty, else the decoded value, or a 400 naming `field` with `message`.
    /// BodyLimitMiddleware has already bounded the body by the configured limit.
    func optionalBody<T: Decodable>(as type: T.Type, field: String, message: String) async throws -> T? {
        var request = self
        let body = try await request.collectBody(upTo: .max)
        guard body.readableBytes > 0 else { return nil }
        do {
            return try JSONCoding.decoder.decode(type, from: Data(buffer: body))
        } catch {
            throw APIError.invalid(field, message)
        }
    }
}
