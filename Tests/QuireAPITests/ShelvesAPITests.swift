import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport
import Testing

@Suite struct ShelvesAPITests {
    func shelves(_ client: any TestClientProtocol, of username: String, as viewer: APIUser? = nil) async throws -> [String: [String: Any]] {
        let response = try await client.send(.get, "/v1/users/\(username)/shelves?limit=100", as: viewer)
        return Dictionary(uniqueKeysWithValues: response.body.json.items.map { ($0["identifier"] as? String ?? "", $0) })
    }

    @Test(arguments: TestEngine.all)
    func shelvingOnADefaultShelfMovesTheBookOffTheOthers(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("Always Coming Home", as: ada)
            let editionID = edition.int("id") ?? 0
            let initial = try await shelves(client, of: "ada")
            #expect(Set(initial.keys) == ["to-read", "reading", "read", "stopped-reading"])
            #expect(initial.values.allSatisfy { $0.int("book_count") == 0 })
            let toRead = initial["to-read"]?.int("id") ?? 0
            let read = initial["read"]?.int("id") ?? 0

            // call
            let first = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(editionID)", as: ada)
            let again = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(editionID)", as: ada)
            let moved = try await client.send(.put, "/v1/shelves/\(read)/books/\(editionID)", as: ada)

            // check
            #expect(first.status == .created)
            #expect(again.status == .ok)
            #expect(moved.status == .created)
            let after = try await shelves(client, of: "ada")
            #expect(after["to-read"]?.int("book_count") == 0)
            #expect(after["read"]?.int("book_count") == 1)
            let books = try await client.send(.get, "/v1/shelves/\(read)/books")
            #expect(books.body.json.items.first?.int("id") == editionID)
            #expect(books.body.json.items.first?["shelved_at"] != nil)
            let work = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)")
            #expect(work.body.json.int("shelved_users_count") == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func customShelvesCanBeMadeRenamedAndDeleted(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("The Word for World Is Forest", as: ada)
            let created = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Sci-Fi Favourites!"])
            #expect(created.status == .created)
            #expect(created.body.json["identifier"] as? String == "sci-fi-favourites")
            let id = created.body.json.int("id") ?? 0
            let duplicate = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "sci fi favourites"])
            #expect(duplicate.status == .conflict)
            let empty = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "  "])
            #expect(empty.body.json.error["field"] as? String == "name")

            let renamed = try await client.send(.patch, "/v1/shelves/\(id)", as: ada, json: ["name": "Forests", "privacy": "private"])
            #expect(renamed.body.json["identifier"] as? String == "forests")
            #expect(renamed.body.json["privacy"] as? String == "private")

            _ = try await client.send(.put, "/v1/shelves/\(id)/books/\(edition.int("id") ?? 0)", as: ada)
            let deleted = try await client.send(.delete, "/v1/shelves/\(id)", as: ada)
            #expect(deleted.status == .noContent)
            let gone = try await client.send(.get, "/v1/shelves/\(id)/books", as: ada)
            #expect(gone.status == .notFound)
            let work = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)")
            #expect(work.body.json.int("shelved_users_count") == 0)

            let defaults = try await shelves(client, of: "ada", as: ada)
            let read = defaults["read"]?.int("id") ?? 0
            let deleteDefault = try await client.send(.delete, "/v1/shelves/\(read)", as: ada)
            #expect(deleteDefault.status == .conflict)
        }
    }

    @Test(arguments: TestEngine.all)
    func someoneElsesPrivateShelfDoesNotExist(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let secret = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Secret", "privacy": "private"])
            let friends = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Friends", "privacy": "followers"])
            let secretID = secret.body.json.int("id") ?? 0
            let edition = try await client.addEdition("Hidden", as: ada)

            let seenByBob = try await shelves(client, of: "ada", as: bob)
            let seenByAnyone = try await shelves(client, of: "ada")
            let seenByAda = try await shelves(client, of: "ada", as: ada)
            #expect(seenByBob["secret"] == nil && seenByBob["friends"] == nil)
            #expect(seenByAnyone.count == 4)
            #expect(seenByAda["secret"] != nil && seenByAda["friends"] != nil)

            for (method, path) in [(HTTPRequest.Method.get, "/v1/shelves/\(secretID)/books"),
                                   (.put, "/v1/shelves/\(secretID)/books/\(edition.int("id") ?? 0)"),
                                   (.patch, "/v1/shelves/\(secretID)"), (.delete, "/v1/shelves/\(secretID)")] {
                let response = try await client.send(method, path, as: bob, json: method == .patch ? ["name": "Mine"] : nil)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            _ = friends
        }
    }

    @Test(arguments: TestEngine.all)
    func shelfBooksPageNewestFirstByCursor(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let toRead = try await shelves(client, of: "ada")["to-read"]?.int("id") ?? 0
            var ids: [Int64] = []
            for index in 0..<5 {
                let edition = try await client.addEdition("Book \(index)", as: ada)
                ids.append(edition.int("id") ?? 0)
                _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(ids.last ?? 0)", as: ada)
            }
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let uri = "/v1/shelves/\(toRead)/books?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.send(.get, uri).body.json
                seen += page.items.compactMap { $0.int("id") }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ids.reversed())

            let tooBig = try await client.send(.get, "/v1/shelves/\(toRead)/books?limit=101")
            #expect(tooBig.status == .badRequest)
            #expect(tooBig.body.json.error["field"] as? String == "limit")
            let first = try await client.send(.get, "/v1/shelves/\(toRead)/books?limit=2").body.json
            var tampered = Array(first["next_cursor"] as? String ?? "")
            tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A"
            let bad = try await client.send(.get, "/v1/shelves/\(toRead)/books?limit=2&cursor=\(String(tampered))")
            #expect(bad.status == .badRequest)
            #expect(bad.body.json.error["field"] as? String == "cursor")
        }
    }
}
