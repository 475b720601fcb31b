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

    /// bcrypt stops at a NUL, so "abc\0defghij" would be stored as "abc"; no control character is
    /// accepted, so a password is never shorter than it looks.
    @Test(arguments: TestEngine.all)
    func passwordsWithControlCharactersAreRefused(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // call
            var responses: [TestResponse] = []
            for (index, password) in ["abc\u{0}defghij", "two\nlines here", "tab\tinside it", "del\u{7F}inside it"].enumerated() {
                responses.append(try await register(client, ["username": "reader\(index)", "email": "r\(index)@example.org", "password": password]))
            }
            let asPrefix = try await client.send(.post, "/v1/sessions", json: ["username": "reader0", "password": "abc"])

            // check
            for response in responses {
                #expect(response.status == .badRequest)
                #expect(response.body.json.error["code"] as? String == "invalid_field")
                #expect(response.body.json.error["field"] as? String == "password")
            }
            #expect(asPrefix.status == .unauthorized)
            let rows = try await database.read { try await $0.select().column("id").from("users").all() }
            #expect(rows.isEmpty)
        }
    }

    /// bcrypt reads 72 bytes and ignores the rest, so a longer password is refused rather than
    /// silently cut: every character accepted counts.
    @Test(arguments: TestEngine.all)
    func passwordsAreAtMost72BytesAndEveryByteCounts(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let longest = String(repeating: "a", count: 71) + "z"

            // call
            let ascii73 = try await register(client, ["username": "long1", "email": "l1@example.org", "password": longest + "a"])
            let accented74 = try await register(client, ["username": "long2", "email": "l2@example.org", "password": String(repeating: "é", count: 37)])
            let fits = try await register(client, ["username": "fits", "email": "f@example.org", "password": longest])
            let signIn = try await client.send(.post, "/v1/sessions", json: ["username": "fits", "password": longest])
            let prefix = try await client.send(.post, "/v1/sessions", json: ["username": "fits", "password": String(longest.dropLast())])

            // check
            #expect(ascii73.status == .badRequest)
            #expect(ascii73.body.json.error["field"] as? String == "password")
            #expect(ascii73.body.json.error["message"] as? String == "password: must be 8 to 72 bytes long (UTF-8)")
            #expect(accented74.status == .badRequest)
            #expect(accented74.body.json.error["field"] as? String == "password")
            #expect(fits.status == .created)
            #expect(signIn.status == .created)
            #expect(prefix.status == .unauthorized)
        }
    }

    /// A NUL never matches at login (bcrypt would compare only the bytes before it): the request
    /// reader refuses text with NUL in every body, so it is a 400 naming the field.
    @Test(arguments: TestEngine.all)
    func aLoginWithANULInThePasswordNeverSignsIn(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            _ = try await client.signUp("ada")

            // call
            let withNUL = try await client.send(.post, "/v1/sessions", json: ["username": "ada", "password": "password123\u{0}anything"])
            let right = try await client.send(.post, "/v1/sessions", json: ["username": "ada", "password": "password123"])

            // check
            #expect(withNUL.status == .badRequest)
            #expect(withNUL.body.json.error["field"] as? String == "password")
            #expect(right.status == .created)
        }
    }
}
