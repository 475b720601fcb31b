import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Follows, follow requests and blocks, and the counts and privacy that follow from them.
@Suite struct SocialGraphAPITests {
    @Test(arguments: TestEngine.all)
    func followingIsIdempotentAndCounted(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")

            // call
            let first = try await client.send(.post, "/v1/users/ada/follow", as: bob)
            let again = try await client.send(.post, "/v1/users/ada/follow", as: bob)

            // check
            #expect(first.status == .ok)
            #expect(first.body.json["following"] as? Bool == true)
            #expect(again.body.json["following"] as? Bool == true)
            let profile = try await client.profile("ada", as: bob)
            #expect(profile.int("followers_count") == 1)
            #expect(profile["following"] as? Bool == true)
            #expect(try await client.profile("bob").int("following_count") == 1)
            #expect(try await client.profile("ada", as: ada)["following"] as? Bool == false)

            #expect(try await client.send(.delete, "/v1/users/ada/follow", as: bob).body.json["following"] as? Bool == false)
            #expect(try await client.send(.delete, "/v1/users/ada/follow", as: bob).status == .ok)
            #expect(try await client.profile("ada").int("followers_count") == 0)
            #expect(try await client.profile("bob").int("following_count") == 0)

            // bad input
            #expect(try await client.send(.post, "/v1/users/bob/follow", as: bob).body.json.error["field"] as? String == "username")
            #expect(try await client.send(.post, "/v1/users/nobody/follow", as: bob).status == .notFound)
            #expect(try await client.send(.post, "/v1/users/ada/follow").status == .unauthorized)
            #expect(try await client.send(.get, "/v1/users/nobody").status == .notFound)
            _ = ada
        }
    }

    @Test(arguments: TestEngine.all)
    func anAccountThatApprovesFollowersGetsRequests(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let cy = try await client.signUp("cyd")
            _ = try await client.send(.patch, "/v1/me", as: ada, json: ["manually_approves_followers": true])

            // call
            let asked = try await client.send(.post, "/v1/users/ada/follow", as: bob)
            _ = try await client.send(.post, "/v1/users/ada/follow", as: bob)
            _ = try await client.send(.post, "/v1/users/ada/follow", as: cy)

            // check
            #expect(asked.body.json["following"] as? Bool == false)
            #expect(asked.body.json["requested"] as? Bool == true)
            #expect(try await client.profile("ada").int("followers_count") == 0)
            let requests = try await client.send(.get, "/v1/follow_requests", as: ada).body.json.items
            #expect(requests.compactMap { ($0["account"] as? [String: Any])?["username"] as? String } == ["bob", "cyd"])
            let approved = try await client.send(.post, "/v1/follow_requests/bob/approve", as: ada)
            #expect(approved.body.json["followed_by"] as? Bool == true)
            #expect(try await client.send(.post, "/v1/follow_requests/cyd/reject", as: ada).status == .ok)
            #expect(try await client.send(.post, "/v1/follow_requests/cyd/reject", as: ada).status == .notFound)
            #expect(try await client.send(.get, "/v1/follow_requests", as: ada).body.json.items.isEmpty)
            #expect(try await client.profile("ada").int("followers_count") == 1)
            #expect(try await client.profile("ada", as: bob)["following"] as? Bool == true)
            #expect(try await client.profile("ada", as: cy)["following"] as? Bool == false)
        }
    }

    @Test(arguments: TestEngine.all)
    func aBlockHidesEachFromTheOtherAndEndsFollowsBothWays(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            try await client.follow("bob", as: ada)
            try await client.follow("ada", as: bob)
            let adaNote = try await client.note("public words", as: ada).int("id") ?? 0
            let bobNote = try await client.note("bob's words", as: bob).int("id") ?? 0

            // call
            let blocked = try await client.send(.post, "/v1/users/bob/block", as: ada)

            // check
            #expect(blocked.body.json["blocking"] as? Bool == true)
            #expect(blocked.body.json["following"] as? Bool == false)
            #expect(try await client.profile("ada").int("followers_count") == 0)
            #expect(try await client.profile("ada").int("following_count") == 0)
            // the blocked user sees nothing of the blocker, and the other way round
            #expect(try await client.send(.get, "/v1/users/ada", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/users/ada/statuses", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/statuses/\(adaNote)", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/statuses/\(bobNote)", as: ada).status == .notFound)
            #expect(try await client.send(.post, "/v1/statuses/\(adaNote)/like", as: bob).status == .notFound)
            #expect(try await client.send(.post, "/v1/users/ada/follow", as: bob).status == .notFound)
            #expect(try await client.statusIDs("/v1/timelines/home", as: bob) == [bobNote])
            #expect(try await client.statusIDs("/v1/timelines/home", as: ada) == [adaNote])
            // others still see both
            #expect(try await client.send(.get, "/v1/statuses/\(adaNote)").status == .ok)

            let unblocked = try await client.send(.delete, "/v1/users/bob/block", as: ada)
            #expect(unblocked.body.json["blocking"] as? Bool == false)
            #expect(try await client.send(.get, "/v1/statuses/\(adaNote)", as: bob).status == .ok)
        }
    }

    @Test(arguments: TestEngine.all)
    func privacyDecidesWhoSeesAStatus(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let cy = try await client.signUp("cyd")
            let edition = try await client.addEdition("The Word for World Is Forest", as: ada)
            let review = try await client.post(["type": "review", "edition_id": edition.int("id") ?? 0, "body": "for followers",
                                                "rating": 4, "privacy": "followers"], as: ada).int("id") ?? 0
            let direct = try await client.note("psst @bob", privacy: "direct", as: ada).int("id") ?? 0

            // check: a followers-only review, before and after following
            #expect(try await client.send(.get, "/v1/statuses/\(review)", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/statuses/\(review)").status == .notFound)
            #expect(try await client.statusIDs("/v1/works/\(edition.int("work_id") ?? 0)/reviews", as: bob) == [])
            // bob sees only the direct status that mentions him
            #expect(try await client.statusIDs("/v1/users/ada/statuses", as: bob) == [direct])
            try await client.follow("ada", as: bob)
            #expect(try await client.send(.get, "/v1/statuses/\(review)", as: bob).status == .ok)
            #expect(try await client.statusIDs("/v1/works/\(edition.int("work_id") ?? 0)/reviews", as: bob) == [review])
            #expect(try await client.statusIDs("/v1/users/ada/statuses", as: bob) == [direct, review])
            #expect(try await client.statusIDs("/v1/timelines/home", as: bob) == [direct, review])

            // a direct status: only the author and those it mentions
            #expect(try await client.send(.get, "/v1/statuses/\(direct)", as: bob).status == .ok)
            #expect(try await client.send(.get, "/v1/statuses/\(direct)", as: cy).status == .notFound)
            try await client.follow("ada", as: cy)
            #expect(try await client.send(.get, "/v1/statuses/\(direct)", as: cy).status == .notFound)
            #expect(try await client.statusIDs("/v1/timelines/home", as: cy) == [review])
            #expect(try await client.statusIDs("/v1/users/ada/statuses", as: ada) == [direct, review])
            #expect(try await client.send(.post, "/v1/statuses/\(review)/boost", as: bob).status == .unprocessableContent)
        }
    }
}
