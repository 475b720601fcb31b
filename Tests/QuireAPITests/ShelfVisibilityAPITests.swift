import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Who sees a user's shelves and the books on them: a follower sees followers-only shelves, a
/// stranger doesn't, and a block hides every shelf both ways, as it hides the profile.
@Suite struct ShelfVisibilityAPITests {
    @Test(arguments: TestEngine.all)
    func followersSeeFollowersOnlyShelvesAndBlocksHideThemAll(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: ada has a public and a followers-only shelf, each with a book
            let ada = try await client.signUp("ada")
            let fan = try await client.signUp("fan")
            let stranger = try await client.signUp("stranger")
            let blocked = try await client.signUp("blocked")
            let editionID = try await client.addEdition("The Lathe of Heaven", as: ada).int("id") ?? 0
            let open = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Open", "privacy": "public"]).body.json.int("id") ?? 0
            let close = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Close", "privacy": "followers"]).body.json.int("id") ?? 0
            for shelf in [open, close] { _ = try await client.send(.put, "/v1/shelves/\(shelf)/books/\(editionID)", as: ada) }
            try await client.follow("ada", as: fan)
            _ = try await client.send(.post, "/v1/users/blocked/block", as: ada)

            // call
            func names(_ viewer: APIUser?) async throws -> Set<String>? {
                let response = try await client.send(.get, "/v1/users/ada/shelves?limit=100", as: viewer)
                guard response.status == .ok else { return nil }
                return Set(response.body.json.items.compactMap { $0["name"] as? String }.filter { ["Open", "Close"].contains($0) })
            }
            func books(_ shelf: Int64, _ viewer: APIUser?) async throws -> HTTPResponse.Status {
                try await client.send(.get, "/v1/shelves/\(shelf)/books", as: viewer).status
            }

            // check
            #expect(try await names(ada) == ["Open", "Close"])
            #expect(try await names(fan) == ["Open", "Close"])
            #expect(try await books(close, fan) == .ok)
            #expect(try await names(stranger) == ["Open"])
            #expect(try await books(close, stranger) == .notFound)
            #expect(try await names(nil) == ["Open"])
            #expect(try await books(close, nil) == .notFound)
            #expect(try await books(open, nil) == .ok)
            // A block hides everything, whoever blocked whom.
            #expect(try await names(blocked) == nil)
            #expect(try await books(open, blocked) == .notFound)
            _ = try await client.send(.post, "/v1/users/stranger/block", as: ada)
            let shelvesOfBlocker = try await client.send(.get, "/v1/users/stranger/shelves", as: ada)
            #expect(shelvesOfBlocker.status == .notFound)
        }
    }
}
