import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import TestSupport
import Testing

@Suite struct TimelinesAPITests {
    @Test(arguments: TestEngine.all)
    func likesAndBoostsAreIdempotentAndShowOnTheStatus(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let note = try await client.note("like me", as: ada).int("id") ?? 0

            // call
            _ = try await client.send(.post, "/v1/statuses/\(note)/like", as: bob)
            let liked = try await client.send(.post, "/v1/statuses/\(note)/like", as: bob)
            _ = try await client.send(.post, "/v1/statuses/\(note)/boost", as: bob)
            let boosted = try await client.send(.post, "/v1/statuses/\(note)/boost", as: bob)

            // check
            #expect(liked.status == .ok)
            #expect(liked.body.json.int("likes_count") == 1)
            #expect(liked.body.json["liked"] as? Bool == true)
            #expect(boosted.body.json.int("boosts_count") == 1)
            #expect(boosted.body.json["boosted"] as? Bool == true)
            let seenByAda = try await client.send(.get, "/v1/statuses/\(note)", as: ada).body.json
            #expect(seenByAda.int("likes_count") == 1)
            #expect(seenByAda["liked"] as? Bool == false)
            let bobsStatuses = try await client.send(.get, "/v1/users/bob/statuses", as: ada).body.json.items
            #expect(bobsStatuses.count == 1)
            #expect(bobsStatuses.first?["type"] as? String == "boost")
            #expect((bobsStatuses.first?["boost_of"] as? [String: Any])?.int("id") == note)
            #expect(bobsStatuses.first?.int("likes_count") == 1)

            let unliked = try await client.send(.delete, "/v1/statuses/\(note)/like", as: bob)
            _ = try await client.send(.delete, "/v1/statuses/\(note)/like", as: bob)
            let unboosted = try await client.send(.delete, "/v1/statuses/\(note)/boost", as: bob)
            #expect(unliked.body.json.int("likes_count") == 0)
            #expect(unboosted.body.json.int("boosts_count") == 0)
            #expect(try await client.statusIDs("/v1/users/bob/statuses") == [])
            #expect(try await client.send(.post, "/v1/statuses/999999/like", as: bob).status == .notFound)
            #expect(try await client.send(.post, "/v1/statuses/\(note)/like").status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.all)
    func homeHasOwnAndFollowedStatusesAndBoostsNewestFirst(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let cy = try await client.signUp("cyd")
            try await client.follow("bob", as: ada)
            let own = try await client.note("mine", as: ada).int("id") ?? 0
            let bobs = try await client.note("bob's", as: bob).int("id") ?? 0
            let cys = try await client.note("cy's", as: cy).int("id") ?? 0
            _ = try await client.send(.post, "/v1/statuses/\(cys)/boost", as: bob)

            // call
            let page1 = try await client.send(.get, "/v1/timelines/home?limit=2", as: ada).body.json
            let page2 = try await client.send(.get, "/v1/timelines/home?limit=2&cursor=\(page1["next_cursor"] as? String ?? "")", as: ada).body.json

            // check
            let first = page1.items
            #expect(first.first?["type"] as? String == "boost")
            #expect((first.first?["boost_of"] as? [String: Any])?.int("id") == cys)
            #expect(first.dropFirst().first?.int("id") == bobs)
            #expect(page2.items.compactMap { $0.int("id") } == [own])
            #expect(page2["next_cursor"] is NSNull)
            let picked = try await client.send(.get, "/v1/timelines/home?fields=id,likes_count", as: ada).body.json.items
            #expect(picked.count == 3)
            #expect(picked.allSatisfy { Set($0.keys) == ["id", "likes_count"] })
            #expect(try await client.send(.get, "/v1/timelines/home?fields=nope", as: ada).body.json.error["field"] as? String == "fields")
            #expect(try await client.send(.get, "/v1/timelines/home").status == .unauthorized)
            #expect(try await client.send(.get, "/v1/timelines/home?limit=0", as: ada).body.json.error["field"] as? String == "limit")
            #expect(try await client.send(.get, "/v1/timelines/home?cursor=junk", as: ada).body.json.error["field"] as? String == "cursor")

            // unfollowing takes bob's statuses and boosts out; deleting takes a status out
            _ = try await client.send(.delete, "/v1/users/bob/follow", as: ada)
            #expect(try await client.statusIDs("/v1/timelines/home", as: ada) == [own])
            try await client.follow("bob", as: ada)
            _ = try await client.send(.delete, "/v1/statuses/\(bobs)", as: bob)
            #expect(try await client.send(.get, "/v1/timelines/home", as: ada).body.json.items.compactMap { $0["type"] as? String } == ["boost", "note"])
        }
    }

    @Test(arguments: TestEngine.all)
    func aBroadcastersStatusesAreMergedIntoHomesWhenRead(engine: TestEngine) async throws {
        // A fan-out limit of 1 makes anyone with two followers a broadcaster.
        try await withTestApp(engine, configure: { $0.fanoutLimit = 1 }) { client, database in
            // setup
            let star = try await client.signUp("star")
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let early = try await client.note("before fame", as: star).int("id") ?? 0
            try await client.follow("star", as: ada)
            try await client.follow("star", as: bob)

            // call
            let late = try await client.note("after fame", as: star).int("id") ?? 0
            let followersOnly = try await client.note("for fans", privacy: "followers", as: star).int("id") ?? 0
            let adas = try await client.note("ada's", as: ada).int("id") ?? 0

            // check
            #expect(try await client.statusIDs("/v1/timelines/home", as: ada) == [adas, followersOnly, late, early])
            #expect(try await client.statusIDs("/v1/timelines/home", as: bob) == [followersOnly, late, early])
            let page = try await client.send(.get, "/v1/timelines/home?limit=2", as: ada).body.json
            let next = try await client.statusIDs("/v1/timelines/home?limit=2&cursor=\(page["next_cursor"] as? String ?? "")", as: ada)
            #expect(next == [late, early])
            _ = try await client.send(.delete, "/v1/users/star/follow", as: bob)
            #expect(try await client.statusIDs("/v1/timelines/home", as: bob) == [])
            _ = database
        }
    }

    @Test(arguments: TestEngine.all)
    func aWorksReviewsCoverAllItsEditions(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let first = try await client.addEdition("A Wizard of Earthsea", as: ada)
            let workID = first.int("work_id") ?? 0
            let second = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "A Wizard of Earthsea (illustrated)", "work_id": workID]).body.json
            let one = try await client.post(["type": "review", "edition_id": first.int("id") ?? 0, "body": "classic", "rating": 5], as: ada).int("id") ?? 0
            let two = try await client.post(["type": "review", "edition_id": second.int("id") ?? 0, "body": "pictures!", "rating": 4], as: ada).int("id") ?? 0
            _ = try await client.post(["type": "comment", "edition_id": second.int("id") ?? 0, "body": "not a review"], as: ada)

            #expect(try await client.statusIDs("/v1/works/\(workID)/reviews") == [two, one])
            let work = try await client.send(.get, "/v1/works/\(workID)").body.json
            #expect(work.int("reviews_count") == 2)
            #expect(work["average_rating"] as? Double == 4.5)
            #expect(try await client.send(.get, "/v1/works/999999/reviews").status == .notFound)
        }
    }
}
