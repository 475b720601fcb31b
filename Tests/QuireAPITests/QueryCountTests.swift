import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport
import Testing

/// Lesson 5: a list costs the same number of SQL statements for 1 item or 100 (no N+1), and
/// nothing on a read path counts rows with COUNT.
@Suite struct QueryCountTests {
    /// The statements one request ran, as seen by the store's statement meter.
    func statements(_ client: any TestClientProtocol, _ uri: String, as user: APIUser? = nil) async throws -> (TestResponse, [String]) {
        let (response, recorder) = try await StatementRecorder.recording { try await client.send(.get, uri, as: user) }
        return (response, recorder.statements)
    }

    @Test(arguments: TestEngine.all)
    func listsCostTheSameStatementsForOneTwentyOrAHundredItems(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: 100 books on one shelf (each with its own work and author), 100 shelves, all matching "book"
            let ada = try await client.signUp("ada")
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
            for index in 0..<100 {
                let edition = try await client.addEdition("Book \(index)", authors: ["Author \(index)", "Coauthor \(index)"], as: ada)
                _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(edition.int("id") ?? 0)", as: ada)
            }
            for index in 0..<96 {
                _ = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Shelf \(index)"])
            }

            for path in ["/v1/shelves/\(toRead)/books", "/v1/users/ada/shelves", "/v1/search?q=book"] {
                var counts: [Int] = []
                for limit in [1, 20, 100] {
                    // call
                    let (response, sql) = try await statements(client, path + (path.contains("?") ? "&" : "?") + "limit=\(limit)", as: ada)

                    // check
                    #expect(response.status == .ok)
                    #expect(response.body.json.items.count == limit, "\(path) limit \(limit)")
                    #expect(!sql.contains { $0.uppercased().contains("COUNT(") }, "\(path) counts rows on a read path")
                    counts.append(sql.count)
                }
                #expect(Set(counts).count == 1, "\(path): statements per page of 1, 20, 100 were \(counts)")
                #expect(counts[0] <= 4, "\(path): \(counts[0]) statements")
            }
        }
    }
}
