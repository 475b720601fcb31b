import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct SearchAPITests {
    @Test(arguments: TestEngine.all)
    func searchMatchesTitleAndAuthorPrefixesBestFirst(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let hobbit = try await client.addEdition("The Hobbit", authors: ["J. R. R. Tolkien"], as: ada)
            _ = try await client.addEdition("The Fellowship of the Ring", authors: ["J. R. R. Tolkien"], as: ada)
            _ = try await client.addEdition("A Wizard of Earthsea", authors: ["Ursula K. Le Guin"], as: ada)

            let byAuthor = try await client.send(.get, "/v1/search?q=tolk").body.json.items
            #expect(byAuthor.count == 2)
            let both = try await client.send(.get, "/v1/search?q=tolkien%20hob").body.json.items
            #expect(both.map { $0.int("id") } == [hobbit.int("id")])
            let none = try await client.send(.get, "/v1/search?q=dostoevsky").body.json.items
            #expect(none.isEmpty)
            // Query syntax in q is only words to search for, never an operator.
            let syntax = try await client.send(.get, "/v1/search?q=%22hob%22%20OR%20*%20NEAR(")
            #expect(syntax.status == .ok)
        }
    }

    @Test(arguments: TestEngine.all)
    func searchPagesByCursorWithoutRepeats(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            for index in 0..<7 { _ = try await client.addEdition("Dragon \(index)", authors: ["Author \(index)"], as: ada) }
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/v1/search?q=drag&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")).body.json
                seen += page.items.compactMap { $0.int("id") }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen).count == 7)
            let missing = try await client.send(.get, "/v1/search")
            #expect(missing.body.json.error["field"] as? String == "q")
        }
    }
}
