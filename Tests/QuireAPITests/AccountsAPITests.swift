import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

func register(_ client: any TestClientProtocol, _ fields: [String: String]) async throws -> TestResponse {
    let body = try JSONSerialization.data(withJSONObject: fields)
    return try await client.execute(
        uri: "/v1/accounts", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(data: body))
}

@Suite struct AccountsAPITests {
    @Test(arguments: TestEngine.all)
    func registeringReturnsTheAccountWithoutSecrets(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let response = try await register(client, ["username": "Ada_L", "email": "ada@example.org", "password": "correct horse"])
            #expect(response.status == .created)
            let json = response.body.json
            #expect(json["username"] as? String == "Ada_L")
            #expect(json["default_privacy"] as? String == "public")
            #expect(json["id"] != nil)
            #expect(json["password"] == nil && json["password_hash"] == nil && json["email"] == nil)
            #expect(response.headers[.location] == "/v1/users/Ada_L")
        }
    }

    @Test(arguments: TestEngine.all)
    func aUsernameTakenInAnotherCaseIsAConflict(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            _ = try await register(client, ["username": "reader", "email": "a@example.org", "password": "password1"])
            let response = try await register(client, ["username": "READER", "email": "b@example.org", "password": "password2"])
            #expect(response.status == .conflict)
            #expect(response.body.json.error["field"] as? String == "username")
            #expect(response.body.json.error["code"] as? String == "username_taken")
        }
    }

    @Test(arguments: TestEngine.all)
    func badFieldsAreNamed(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            let cases: [([String: String], String)] = [
                (["email": "a@example.org", "password": "password1"], "username"),
                (["username": "ab", "email": "a@example.org", "password": "password1"], "username"),
                (["username": "no spaces", "email": "a@example.org", "password": "password1"], "username"),
                (["username": "valid_name", "email": "not-an-email", "password": "password1"], "email"),
                (["username": "valid_name", "email": "a@example.org", "password": "short"], "password"),
            ]
            for (fields, field) in cases {
                let response = try await register(client, fields)
                #expect(response.status == .badRequest, "\(fields)")
                #expect(response.body.json.error["field"] as? String == field, "\(fields)")
            }
            let rows = try await database.read { try await $0.select().column("id").from("users").all() }
            #expect(rows.isEmpty)
        }
    }
}
