import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct HealthAPITests {
    @Test(arguments: TestEngine.all)
    func healthAndReadinessAnswerJSON(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.body.json["status"] as? String == "ok")

            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(ready.body.json["database"] as? String == engine.rawValue)
        }
    }
}
