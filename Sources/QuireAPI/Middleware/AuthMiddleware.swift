import Crypto
import Foundation
import Hummingbird
import QuireStore

/// Resolves `Authorization: Bearer <token>` to the signed-in user for every route. A request
/// without a token goes on anonymous; one with a token that is unknown, revoked or expired is a
/// 401, so a client never mistakes a dead session for being signed out. Sessions are looked up in
/// `sessions` first (SessionCache says for how long a lookup is trusted).
struct AuthMiddleware: RouterMiddleware {
    let database: Database
    let sessions: SessionCache

    func handle(_ request: Request, context: QuireRequestContext, next: (Request, QuireRequestContext) async throws -> Response) async throws -> Response {
        // /metrics checks its own token, which is not a session.
        guard let header = request.headers[.authorization], request.uri.path != "/metrics" else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer "), case let token = String(header.dropFirst("bearer ".count)), !token.isEmpty else {
            throw APIError(.unauthorized, code: "invalid_token", message: "Authorization must be: Bearer <token>")
        }
        let hash = SessionToken.hash(token)
        let user = try await SessionResolver(database: database, sessions: sessions).user(tokenHash: hash)
        guard let user else {
            throw APIError(.unauthorized, code: "invalid_token", message: "the token is unknown, revoked or expired")
        }
        var context = context
        context.user = user
        context.tokenHash = hash
        return try await next(request, context)
    }
}

/// Access tokens: 256 random bits shown to the client once; only their SHA-256 is stored.
public enum SessionToken {
    public static let lifetime: Int64 = 30 * 24 * 3600 * 1_000_000

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        // Hex by hand: String(format:) showed up in the profile of every authenticated request.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

extension QuireRequestContext {
    /// The signed-in user, or a 401.
    func requireUser() throws -> UserRecord {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}
