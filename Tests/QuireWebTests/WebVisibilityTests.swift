import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Pages hide what the API hides: a private shelf and a followers-only status from a stranger,
/// everything of a user from someone a block stands between.
@Suite struct WebVisibilityTests {
    @Test(arguments: TestEngine.all)
    func aPrivateShelfAndAFollowersOnlyStatusAreHiddenFromAStrangerAndABlockedReader(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: ada has a private shelf with a book, a followers-only note and a public one;
            // fan follows her, stranger doesn't, and she blocks blocked
            let ada = try await client.signUp("ada")
            let fanUser = try await client.signUp("fan")
            _ = try await client.signUp("stranger")
            _ = try await client.signUp("blocked")
            let edition = try await client.addEdition("The Secret Garden", authors: ["Frances Hodgson Burnett"], as: ada).int("id") ?? 0
            let shelf = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Hidden Things", "privacy": "private"]).body.json
            _ = try await client.send(.put, "/v1/shelves/\(shelf.int("id") ?? 0)/books/\(edition)", as: ada)
            let secret = try await client.note("for followers only", privacy: "followers", as: ada).int("id") ?? 0
            let open = try await client.note("for everyone", as: ada).int("id") ?? 0
            try await client.follow("ada", as: fanUser)
            _ = try await client.send(.post, "/v1/users/blocked/block", as: ada)
            var fan = WebBrowser(client)
            try await fan.signIn("fan")
            var stranger = WebBrowser(client)
            try await stranger.signIn("stranger")
            var blocked = WebBrowser(client)
            try await blocked.signIn("blocked")
            var owner = WebBrowser(client)
            try await owner.signIn("ada")
            let anonymous = WebBrowser(client)

            // call and check: the stranger and the signed-out reader
            for var reader in [stranger, anonymous] {
                let profile = try await reader.get("/user/ada")
                #expect(profile.status == .ok)
                #expect(profile.html.contains("for everyone"))
                #expect(!profile.html.contains("for followers only"))
                #expect(!profile.html.contains("Hidden Things"))
                #expect(try await reader.get("/status/\(secret)").status == .notFound)
                #expect(try await reader.get("/user/ada/shelf/hidden-things").status == .notFound)
                #expect(try await reader.get("/status/\(open)").status == .ok)
            }
            // the follower sees the followers-only note, not the private shelf
            let fanProfile = try await fan.get("/user/ada")
            #expect(fanProfile.html.contains("for followers only"))
            #expect(!fanProfile.html.contains("Hidden Things"))
            #expect(try await fan.get("/status/\(secret)").status == .ok)
            #expect(try await fan.get("/user/ada/shelf/hidden-things").status == .notFound)
            // the owner sees it all
            #expect(try await owner.get("/user/ada").html.contains("Hidden Things"))
            let shelfPage = try await owner.get("/user/ada/shelf/hidden-things")
            #expect(shelfPage.status == .ok)
            #expect(shelfPage.html.contains("The Secret Garden"))
            // a block hides everything, even what is public
            #expect(try await blocked.get("/user/ada").status == .notFound)
            #expect(try await blocked.get("/status/\(open)").status == .notFound)
            #expect(try await blocked.get("/user/ada/shelf/to-read").status == .notFound)
            let liked = try await blocked.post("/status/\(open)/like", ["back": "/"])
            #expect(liked.status == .notFound)
            #expect(try await client.send(.get, "/v1/statuses/\(open)", as: ada).body.json.int("likes_count") == 0)
            // a refused action is a page saying why: a followers-only status can't be boosted
            let boost = try await fan.post("/status/\(secret)/boost", ["back": "/"])
            #expect(boost.status == .unprocessableContent)
            #expect(boost.html.contains("only public and unlisted statuses can be boosted"))
            // blocking through the page hides each from the other at once
            let block = try await stranger.post("/user/ada/block", [:])
            #expect(block.status == .seeOther)
            #expect(try await stranger.get("/user/ada").status == .notFound)
            #expect(try await owner.get("/user/stranger").status == .notFound)
        }
    }
}
