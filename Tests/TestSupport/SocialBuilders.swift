import Foundation
import Hummingbird
import HummingbirdTesting

/// Builders for social-layer tests, through the real API.
extension TestClientProtocol {
    /// Posts a status and returns its JSON; fails the setup unless it was created.
    @discardableResult
    public func post(_ json: [String: Any], as user: APIUser) async throws -> [String: Any] {
        let response = try await send(.post, "/v1/statuses", as: user, json: json)
        guard response.status == .created else {
            throw TestSetupError("posting failed: \(response.status) \(String(buffer: response.body))")
        }
        return response.body.json
    }

    /// Posts a note (no book) with the given privacy.
    @discardableResult
    public func note(_ body: String, privacy: String = "public", as user: APIUser, replyTo: Int64? = nil) async throws -> [String: Any] {
        var json: [String: Any] = ["type": "note", "body": body, "privacy": privacy]
        if let replyTo { json["in_reply_to_id"] = replyTo }
        return try await post(json, as: user)
    }

    /// `follower` follows `username`.
    public func follow(_ username: String, as follower: APIUser) async throws {
        let response = try await send(.post, "/v1/users/\(username)/follow", as: follower)
        guard response.status == .ok else { throw TestSetupError("follow failed: \(response.status) \(String(buffer: response.body))") }
    }

    /// The ids on a page of statuses.
    public func statusIDs(_ uri: String, as user: APIUser? = nil) async throws -> [Int64] {
        try await send(.get, uri, as: user).body.json.items.compactMap { $0.int("id") }
    }

    /// A user's profile JSON as `viewer` sees it.
    public func profile(_ username: String, as viewer: APIUser? = nil) async throws -> [String: Any] {
        try await send(.get, "/v1/users/\(username)", as: viewer).body.json
    }
}
