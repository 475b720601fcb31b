import Foundation
import Hummingbird
import HummingbirdTesting
import QuireJobs
import QuireStore
import TestSupport
import Testing

@Suite struct JobsAPITests {
    func admin(_ client: any TestClientProtocol, _ database: Database) async throws -> APIUser {
        let root = try await client.signUp("root")
        _ = try await database.write { try await UserQueries.grantAdmin(username: "root", on: $0) }
        return root
    }

    @Test(arguments: TestEngine.all)
    func startingARepairAnswers202AndTheJobCanBeFollowed(engine: TestEngine) async throws {
        // No worker: the job stays queued while the test looks at it.
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            let root = try await admin(client, database)
            let reader = try await client.signUp("reader")

            // call
            let started = try await client.send(.post, "/v1/admin/counters/repair", as: root)
            let notAdmin = try await client.send(.post, "/v1/admin/counters/repair", as: reader)

            // check
            #expect(started.status == .accepted)
            let job = started.body.json["job"] as? [String: Any] ?? [:]
            let id = job.int("id") ?? 0
            #expect(started.headers[.location] == "/v1/jobs/\(id)")
            #expect(job["state"] as? String == "queued")
            #expect(notAdmin.status == .forbidden)
            let again = try await client.send(.post, "/v1/admin/counters/repair", as: root)
            #expect((again.body.json["job"] as? [String: Any])?.int("id") == id, "a second request while one waits returns it")

            let shown = try await client.send(.get, "/v1/jobs/\(id)", as: root)
            #expect(shown.body.json["kind"] as? String == "counters.repair")
            let othersView = try await client.send(.get, "/v1/jobs/\(id)", as: reader)
            #expect(othersView.status == .notFound)
            let listed = try await client.send(.get, "/v1/jobs?state=queued", as: root).body.json.items
            #expect(listed.map { $0.int("id") } == [id])
            let readersList = try await client.send(.get, "/v1/jobs", as: reader).body.json.items
            #expect(readersList.isEmpty)
            let badState = try await client.send(.get, "/v1/jobs?state=done", as: root)
            #expect(badState.body.json.error["field"] as? String == "state")

            let cancelled = try await client.send(.post, "/v1/jobs/\(id)/cancel", as: root)
            #expect(cancelled.body.json["state"] as? String == "cancelled")
            let twice = try await client.send(.post, "/v1/jobs/\(id)/cancel", as: root)
            #expect(twice.status == .conflict)
        }
    }

    @Test(arguments: TestEngine.all)
    func eventsStreamProgressUntilTheJobEnds(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            let root = try await admin(client, database)
            let started = try await client.send(.post, "/v1/admin/counters/repair", as: root)
            let id = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
            // The worker inside the app runs it; the stream ends when it has.
            let events = try await client.send(.get, "/v1/jobs/\(id)/events", as: root)
            let text = String(buffer: events.body)
            #expect(events.headers[.contentType] == "text/event-stream")
            #expect(text.contains("event: succeeded"))
            #expect(text.hasSuffix("\n\n"))
            let lastData = text.components(separatedBy: "\n").last { $0.hasPrefix("data: ") } ?? ""
            let last = try JSONSerialization.jsonObject(with: Data(lastData.dropFirst(6).utf8)) as? [String: Any]
            #expect((last?["result"] as? [String: Any])?["repaired"] as? Int == 0)
        }
    }
}
