import Foundation
import QuireStore
import TestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a real `quire serve` does with requests that once stopped or confused it, and what it
/// logs on its first start on a new database.
@Suite(.serialized) struct HostileRequestProcessTests {
    @Test(arguments: TestEngine.all)
    func aNewDatabaseIsMigratedBeforeTheWorkerTouchesIt(engine: TestEngine) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup: a database with no tables at all, and the job worker on
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("quire-first-start-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let port = QuireProcess.freePort()
            let server = try QuireProcess(
                ["serve", "--port", "\(port)", "--database-url", ServeProcessTests.text(database.url), "--workers", "4", "--log-format", "json"],
                log: log)

            // call: let it start, claim and schedule for a moment, then stop it
            try await server.waitUntilReady("http://127.0.0.1:\(port)/readyz")
            try await Task.sleep(for: .milliseconds(500))
            server.signal(SIGTERM)
            let status = await server.waitForExit(timeout: .seconds(10))

            // check: nothing failed along the way, "no such table: jobs" least of all
            #expect(status == 0)
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            let failures = lines.filter { $0.contains(#""level":"error""#) || $0.contains(#""level":"critical""#) || $0.contains("no such table")
                || $0.contains("does not exist") }
            #expect(failures.isEmpty, "\(failures)")
            #expect(lines.contains { $0.contains("applied migrations") })
        }
    }

    @Test(arguments: TestEngine.all)
    func hostileRequestsLeaveTheServerAnswering(engine: TestEngine) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup
            let port = QuireProcess.freePort()
            let server = try QuireProcess(["serve", "--port", "\(port)", "--database-url", ServeProcessTests.text(database.url), "--workers", "0"],
                                          environment: ["QUIRE_BCRYPT_COST": "4"])
            let base = "http://127.0.0.1:\(port)"
            try await server.waitUntilReady(base + "/readyz")
            let token = try await Self.signUp(base)
            let edition = try await Self.send(base + "/v1/editions", token: token, #"{"title":"Kindred","authors":["Octavia E. Butler"]}"#)
            let editionID = (try JSONSerialization.jsonObject(with: edition.body) as? [String: Any])?["id"] as? Int ?? 0

            // call: the review finding's request, and a chunked body over the 1 MiB limit
            let review = try await Self.send(base + "/v1/statuses", token: token, #"{"type":"review","edition_id":\#(editionID),"rating":1e300}"#)
            let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
            let chunked = try RawHTTP.chunked(
                port: port, head: "POST /v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json",
                chunks: [Data(#"{"type":"note","body":""#.utf8)] + Array(repeating: chunk, count: 24))

            // check
            #expect(review.status == 400)
            #expect(chunked.status == 413)
            #expect(chunked.body.contains("body_too_large"))
            #expect(server.isRunning)
            let (_, health) = try await URLSession.shared.data(from: URL(string: base + "/healthz")!)
            #expect((health as? HTTPURLResponse)?.statusCode == 200)
            server.signal(SIGTERM)
            #expect(await server.waitForExit(timeout: .seconds(10)) == 0)
        }
    }

    static func signUp(_ base: String) async throws -> String {
        _ = try await send(base + "/v1/accounts", token: nil, #"{"username":"ada","email":"ada@example.org","password":"password123"}"#)
        let session = try await send(base + "/v1/sessions", token: nil, #"{"username":"ada","password":"password123"}"#)
        guard let token = (try JSONSerialization.jsonObject(with: session.body) as? [String: Any])?["token"] as? String else {
            throw TestSetupError("sign-in failed: \(session.status)")
        }
        return token
    }

    static func send(_ url: String, token: String?, _ body: String) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
