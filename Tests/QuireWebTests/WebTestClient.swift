import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport

/// A browser's part in page tests: it keeps the cookies a page sets and finds the CSRF token in a
/// page's forms, so a test posts a form as a browser would.
struct WebBrowser: Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func get(_ uri: String) async throws -> TestResponse {
        // What a browser sends: the server tells a page request from an API call by it.
        var headers: HTTPFields = [.accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        keep(response)
        return response
    }

    /// Posts `fields` (form-encoded), with the CSRF token the browser's cookie holds unless `csrf` says otherwise.
    mutating func post(_ uri: String, _ fields: [String: String], csrf: String?? = .none) async throws -> TestResponse {
        var fields = fields
        switch csrf {
        case .none: fields["csrf"] = cookies["quire_csrf"]
        case .some(let value): fields["csrf"] = value
        }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let body = fields.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value ?? ""))" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// Signs up through the pages (first fetching the form, for the CSRF cookie).
    mutating func signUp(_ username: String) async throws {
        _ = try await get("/signup")
        let response = try await post("/signup", ["username": username, "email": "\(username)@example.org", "password": "password123"])
        guard response.status == .seeOther, cookies["quire_session"] != nil else {
            throw TestSetupError("web sign-up of \(username) failed: \(response.status) \(String(buffer: response.body))")
        }
    }

    /// Signs in through the pages (password "password123", as the API builders use).
    mutating func signIn(_ username: String) async throws {
        _ = try await get("/signin")
        let response = try await post("/signin", ["username": username, "password": "password123", "next": "/"])
        guard response.status == .seeOther, cookies["quire_session"] != nil else {
            throw TestSetupError("web sign-in of \(username) failed: \(response.status) \(String(buffer: response.body))")
        }
    }

    private mutating func keep(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            guard let pair = value.split(separator: ";").first, let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]).trimmingCharacters(in: .whitespaces)
            let cookie = String(pair[pair.index(after: eq)...])
            if cookie.isEmpty { cookies[name] = nil } else { cookies[name] = cookie }
        }
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

extension TestResponse {
    var html: String { String(buffer: body) }
}
