import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore

/// Small builders for API tests: accounts, tokens and catalog entries made through the real API.
public struct APIUser: Sendable {
    public let username: String
    public let token: String
    public let id: Int64

    public var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
}

extension TestClientProtocol {
    /// Sends `json` (any JSON-serialisable value) with the given method.
    public func send(_ method: HTTPRequest.Method, _ uri: String, as user: APIUser? = nil, json: Any? = nil) async throws -> TestResponse {
        var headers: HTTPFields = user?.auth ?? [.contentType: "application/json"]
        headers[.contentType] = "application/json"
        let body = try json.map { ByteBuffer(data: try JSONSerialization.data(withJSONObject: $0)) }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// Registers `username` (password "password123") and logs in.
    public func signUp(_ username: String) async throws -> APIUser {
        let registered = try await send(.post, "/v1/accounts", json: ["username": username, "email": "\(username)@example.org", "password": "password123"])
        guard registered.status == .created else { throw TestSetupError("sign-up of \(username) failed: \(registered.status)") }
        return try await signIn(username)
    }

    /// Logs `username` in (password "password123") with a session of its own.
    public func signIn(_ username: String) async throws -> APIUser {
        let session = try await send(.post, "/v1/sessions", json: ["username": username, "password": "password123"])
        guard session.status == .created, let token = session.body.json["token"] as? String,
              let account = session.body.json["account"] as? [String: Any], let id = (account["id"] as? NSNumber)?.int64Value
        else { throw TestSetupError("log-in of \(username) failed: \(session.status)") }
        return APIUser(username: username, token: token, id: id)
    }

    /// Registers `username` and makes them an administrator as `quire users grant-admin` does,
    /// then signs in afresh, so no session read before the grant stands for the account.
    public func signUpAdmin(_ username: String, database: Database) async throws -> APIUser {
        _ = try await signUp(username)
        guard try await database.write({ try await UserQueries.grantAdmin(username: username, on: $0) }) else {
            throw TestSetupError("granting \(username) administration failed")
        }
        return try await signIn(username)
    }

    /// Adds an edition through `POST /v1/editions` and returns its JSON.
    @discardableResult
    public func addEdition(_ title: String, authors: [String] = ["Ursula K. Le Guin"], isbn13: String? = nil, as user: APIUser) async throws -> [String: Any] {
        var json: [String: Any] = ["title": title, "authors": authors]
        if let isbn13 { json["isbn_13"] = isbn13 }
        let response = try await send(.post, "/v1/editions", as: user, json: json)
        guard response.status == .created else { throw TestSetupError("adding \(title) failed: \(response.status) \(String(buffer: response.body))") }
        return response.body.json
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A numeric field as Int64 (JSONSerialization gives NSNumber).
    public func int(_ key: String) -> Int64? { (self[key] as? NSNumber)?.int64Value }
    /// `items` of a page.
    public var items: [[String: Any]] { self["items"] as? [[String: Any]] ?? [] }
    /// An error body's `error.code` and `error.message`.
    public var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    public var errorMessage: String? { (self["error"] as? [String: Any])?["message"] as? String }
}

extension Optional where Wrapped == [String: Any] {
    public func int(_ key: String) -> Int64? { self?.int(key) }
}
