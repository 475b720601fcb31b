import Foundation
import Hummingbird
import QuireStore

/// What Quire's handlers know about a request beyond the request itself.
public struct QuireRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id shown in logs and in the `X-Request-Id` header.
    public var requestID: String?
    /// The signed-in user, set by `AuthMiddleware` from the bearer token.
    public var user: UserRecord?
    /// The SHA-256 of the bearer token, so logging out can revoke exactly this session.
    var tokenHash: String?
    /// The client's IP address, for per-address rate limits.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    // BodyLimitMiddleware enforces the configured limit before a handler decodes anything.
    public var maxUploadSize: Int { .max }
    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }
}


/// JSON on the wire is snake_case, as in BookWyrm and Mastodon.
enum JSONCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601Time.string(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
