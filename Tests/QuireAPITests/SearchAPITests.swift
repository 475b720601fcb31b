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

    /// Whole words first, then prefixes only (`dragon` before `dragonfly`), each tier oldest first,
    /// and a cursor that carries on across the two tiers without repeating or skipping.
    @Test(arguments: TestEngine.all)
    func wholeWordsComeBeforePrefixesAndPagesCrossFromOneToTheOther(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: two whole matches and two prefix-only ones, interleaved by id
            let ada = try await client.signUp("ada")
            let tales = try await client.addEdition("Dragon Tales", authors: ["Ann Smith"], as: ada).int("id") ?? 0
            let fly = try await client.addEdition("Dragonfly Summer", authors: ["Ann Smith"], as: ada).int("id") ?? 0
            let byAuthor = try await client.addEdition("Winter", authors: ["Ben Dragon"], as: ada).int("id") ?? 0
            let slayers = try await client.addEdition("Dragonslayers", authors: ["Cy Jones"], as: ada).int("id") ?? 0
            _ = try await client.addEdition("Drake", authors: ["Cy Jones"], as: ada)

            // call: one page, then pages of one
            let whole = try await client.send(.get, "/v1/search?q=Dragon").body.json.items
            var paged: [Int64] = []
            var cursor: String?
            repeat { // at most 10 pages: a cursor that went back to the start would loop forever
                let page = try await client.send(.get, "/v1/search?q=dragon&limit=1" + (cursor.map { "&cursor=\($0)" } ?? "")).body.json
                paged += page.items.compactMap { $0.int("id") }
                cursor = page["next_cursor"] as? String
            } while cursor != nil && paged.count < 10
            let twoWords = try await client.send(.get, "/v1/search?q=smith%20dragon").body.json.items

            // check
            #expect(whole.compactMap { $0.int("id") } == [tales, byAuthor, fly, slayers])
            #expect(paged == [tales, byAuthor, fly, slayers])
            #expect(twoWords.compactMap { $0.int("id") } == [tales, fly])
        }
    }

    /// An edited title is found by its new words, whole and as a prefix, and no longer by its old
    /// ones (PostgreSQL's word index is kept by triggers, SQLite's FTS5 index by its own).
    @Test(arguments: TestEngine.all)
    func anEditedTitleIsFoundByItsNewWordsAndNotItsOld(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let id = try await client.addEdition("Moonrise", authors: ["Ann Smith"], as: ada).int("id") ?? 0
            _ = try await client.addEdition("Moonrise Again", authors: ["Ann Smith"], as: ada)

            // call
            let edit = try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["title": "Starfall"])
            var found: [String: [Int64]] = [:]
            for q in ["starfall", "starf", "moonrise", "moonrise%20smith", "moon"] {
                found[q] = try await client.send(.get, "/v1/search?q=\(q)").body.json.items.compactMap { $0.int("id") }
            }

            // check
            #expect(edit.status == .ok)
            #expect(found["starfall"] == [id])
            #expect(found["starf"] == [id])
            #expect(found["moonrise"]?.count == 1)
            #expect(found["moonrise%20smith"]?.count == 1)
            #expect(found["moon"]?.contains(id) == false)
        }
    }
}
