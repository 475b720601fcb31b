import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct ReadthroughsAPITests {
    @Test(arguments: TestEngine.all)
    func aReaderRecordsEditsAndRemovesTheirReadthroughs(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let edition = try await client.addEdition("Tehanu", as: ada).int("id") ?? 0

            let created = try await client.send(.post, "/v1/editions/\(edition)/readthroughs", as: ada,
                                                json: ["started_on": "2026-03-01", "progress": 40, "progress_mode": "pages"])
            #expect(created.status == .created)
            let id = created.body.json.int("id") ?? 0
            let finished = try await client.send(.patch, "/v1/readthroughs/\(id)", as: ada, json: ["finished_on": "2026-03-09", "progress": 100, "progress_mode": "percent"])
            #expect(finished.body.json["finished_on"] as? String == "2026-03-09")
            #expect(finished.body.json.int("progress") == 100)

            let mine = try await client.send(.get, "/v1/editions/\(edition)/readthroughs", as: ada).body.json.items
            let bobs = try await client.send(.get, "/v1/editions/\(edition)/readthroughs", as: bob).body.json.items
            #expect(mine.count == 1)
            #expect(bobs.isEmpty)
            let bobEdits = try await client.send(.patch, "/v1/readthroughs/\(id)", as: bob, json: ["progress": 1])
            let bobDeletes = try await client.send(.delete, "/v1/readthroughs/\(id)", as: bob)
            #expect(bobEdits.status == .notFound)
            #expect(bobDeletes.status == .notFound)

            let deleted = try await client.send(.delete, "/v1/readthroughs/\(id)", as: ada)
            #expect(deleted.status == .noContent)
            let after = try await client.send(.get, "/v1/editions/\(edition)/readthroughs", as: ada).body.json.items
            #expect(after.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func badDatesAndProgressAreNamed(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("Tales from Earthsea", as: ada).int("id") ?? 0
            let cases: [([String: Any], String)] = [
                (["started_on": "March 1st"], "started_on"),
                (["started_on": "2026-05-01", "finished_on": "2026-04-01"], "finished_on"),
                (["progress": 150, "progress_mode": "percent"], "progress"),
                (["progress_mode": "chapters"], "progress_mode"),
            ]
            for (json, field) in cases {
                let response = try await client.send(.post, "/v1/editions/\(edition)/readthroughs", as: ada, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(response.body.json.error["field"] as? String == field, "\(json)")
            }
            let missing = try await client.send(.post, "/v1/editions/999999/readthroughs", as: ada, json: [:])
            #expect(missing.status == .notFound)
        }
    }
}
