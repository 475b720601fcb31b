import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct MetricsAPITests {
    @Test(arguments: TestEngine.all)
    func metricsCountRequestsByRouteTemplateAndStatements(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            _ = try await client.send(.get, "/healthz")
            _ = try await client.send(.get, "/v1/editions/424242")
            _ = try await client.send(.get, "/readyz")
            _ = try await client.send(.post, "/v1/sessions", json: ["username": "nobody", "password": "wrong-password"])

            let response = try await client.send(.get, "/metrics")
            let text = String(buffer: response.body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(text.contains(#"quire_http_requests_total{route="/healthz",method="GET",status="200"}"#)
                    || text.contains(#"route="/healthz""#))
            #expect(text.contains(#"route="/v1/editions/{id}""#))
            #expect(!text.contains("424242"), "a raw id became a label")
            #expect(text.contains("quire_sql_statements_total"))
            #expect(text.contains("quire_http_request_duration_seconds_bucket"))
            #expect(text.contains("quire_process_resident_memory_bytes"))
            // The 404 ran one statement (the edition lookup); /healthz ran none.
            let scrape = MetricsScrape(text: text)
            #expect((scrape.value("quire_http_request_statements_sum", ["route": "/v1/editions/{id}", "method": "GET"]) ?? 0) >= 1)
            #expect(scrape.value("quire_http_request_statements_count", ["route": "/healthz", "method": "GET"]) != nil)
            // Times by route and method: a template's reads and writes apart.
            #expect((scrape.value("quire_http_request_duration_seconds_count", ["route": "/v1/editions/{id}", "method": "GET"]) ?? 0) >= 1)
            #expect((scrape.value("quire_http_request_duration_seconds_count", ["route": "/v1/sessions", "method": "POST"]) ?? 0) >= 1)
            #expect(scrape.lintProblems == [])
        }
    }

    @Test func aConfiguredTokenProtectsMetrics() async throws {
        try await withTestApp(.sqlite, configure: { $0.metricsToken = "scrape-secret" }) { client, _ in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            let wrong = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer nope"])
            let right = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret"])
            #expect(anonymous.status == .unauthorized)
            #expect(wrong.status == .unauthorized)
            #expect(right.status == .ok)
        }
    }
}
