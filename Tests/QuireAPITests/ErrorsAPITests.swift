import Foundation
import Hummingbird
import HummingbirdTesting
import QuireAPI
import TestSupport
import Testing


@Suite struct ErrorsAPITests {
    @Test(arguments: TestEngine.all)
    func unknownRouteIsAJSON404(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let response = try await client.execute(uri: "/v1/no-such-thing", method: .get)
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.body.json.error["code"] as? String == "route_not_found")
            #expect((response.body.json.error["message"] as? String)?.contains("/v1/no-such-thing") == true)
        }
    }

    @Test(arguments: TestEngine.all)
    func wrongMethodIsAJSON405WithAllow(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let response = try await client.execute(uri: "/v1/accounts", method: .get)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
            #expect(response.body.json.error["code"] as? String == "method_not_allowed")
        }
    }

    @Test(arguments: TestEngine.all)
    func malformedJSONIsA400AndWritesNothing(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            let response = try await client.execute(
                uri: "/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username": "ada", "email": "#))
            #expect(response.status == .badRequest)
            #expect(response.body.json.error["code"] as? String == "malformed_body")
            let rows = try await database.read { try await $0.select().column("id").from("users").all() }
            #expect(rows.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func oversizeBodyIsA413(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let padding = String(repeating: "x", count: 1 << 20)
            let response = try await client.execute(
                uri: "/v1/accounts", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"username": "\#(padding)"}"#))
            #expect(response.status == .contentTooLarge)
            #expect(response.body.json.error["code"] as? String == "body_too_large")
        }
    }

    @Test(arguments: TestEngine.all)
    func everyResponseCarriesARequestID(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ok = try await client.execute(uri: "/healthz", method: .get)
            let missing = try await client.execute(uri: "/missing", method: .get)
            let echoed = try await client.execute(uri: "/missing", method: .get, headers: [.requestID: "trace-42"])
            let hostile = try await client.execute(uri: "/healthz", method: .get, headers: [.requestID: "bad id\u{7}"])

            #expect(ok.headers[.requestID]?.isEmpty == false)
            #expect(missing.headers[.requestID]?.isEmpty == false)
            #expect(missing.headers[.requestID] != ok.headers[.requestID])
            #expect(echoed.headers[.requestID] == "trace-42")
            #expect(echoed.body.json.error["request_id"] as? String == "trace-42")
            #expect(hostile.headers[.requestID] != "bad id\u{7}")
        }
    }
}
