import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport
import Testing

/// Counts that once told a viewer of what they may not see: a private shelf's books, followers-only
/// and direct statuses, direct replies; and reply notifications that pointed at a status their
/// recipient could not open. Every count here is a counter row, never counted when read.
@Suite struct CountVisibilityAPITests {
    @Test(arguments: TestEngine.all)
    func aProfileCountsOnlyWhatItsViewerMaySee(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada's read shelf is private; she posts one status of each privacy
            let ada = try await client.signUp("ada")
            let fan = try await client.signUp("fan")
            let bob = try await client.signUp("bob")
            try await client.follow("ada", as: fan)
            let editionID = try await client.addEdition("Parable of the Sower", as: ada).int("id") ?? 0
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let read = shelves.first { $0["identifier"] as? String == "read" }?.int("id") ?? 0
            _ = try await client.send(.put, "/v1/shelves/\(read)/books/\(editionID)", as: ada)
            _ = try await client.send(.patch, "/v1/shelves/\(read)", as: ada, json: ["privacy": "private"])
            for privacy in ["public", "unlisted", "followers"] { try await client.note("a \(privacy) note", privacy: privacy, as: ada) }
            try await client.note("just for @bob", privacy: "direct", as: ada)

            // call
            let anonymous = try await client.profile("ada")
            let follower = try await client.profile("ada", as: fan)
            let mentioned = try await client.profile("ada", as: bob)
            let owner = try await client.profile("ada", as: ada)

            // check
            #expect(anonymous.int("statuses_count") == 2)
            #expect(mentioned.int("statuses_count") == 2)
            #expect(follower.int("statuses_count") == 3)
            #expect(owner.int("statuses_count") == 4)
            #expect(anonymous["read_count"] == nil)
            #expect(follower["read_count"] == nil)
            #expect(owner.int("read_count") == 1)
            #expect(anonymous.int("to_read_count") == 0)
            #expect(try await CounterAudit(database: database).run(repair: false).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func repliesCountAndNotifyOnlyWhereTheyCanBeRead(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup
            let cyd = try await client.signUp("cyd")
            let ada = try await client.signUp("ada")
            let root = try await client.note("what are you reading?", as: cyd).int("id") ?? 0

            // call: a direct reply that mentions nobody, a followers-only one cy can't read, a public one
            try await client.note("a private aside", privacy: "direct", as: ada, replyTo: root)
            try await client.note("for my followers", privacy: "followers", as: ada, replyTo: root)
            let beforePublic = try await client.send(.get, "/v1/notifications", as: cyd).body.json
            try await client.note("Kindred!", as: ada, replyTo: root)
            // once cy follows ada, a followers-only reply is cy's to read, and notifies
            try await client.follow("ada", as: cyd)
            try await client.note("for my followers, cy included", privacy: "followers", as: ada, replyTo: root)

            // check
            #expect(beforePublic.items.isEmpty)
            #expect(beforePublic.int("unread_count") == 0)
            let notifications = try await client.send(.get, "/v1/notifications", as: cyd).body.json
            #expect(notifications.items.filter { $0["type"] as? String == "reply" }.count == 2)
            for item in notifications.items {
                #expect(try await client.send(.get, "/v1/statuses/\(item.int("status_id") ?? 0)", as: cyd).status == .ok)
            }
            for viewer in [nil, cyd, ada] {
                #expect(try await client.send(.get, "/v1/statuses/\(root)", as: viewer).body.json.int("replies_count") == 1)
            }
            #expect(try await CounterAudit(database: database).run(repair: false).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aWorksRatingsCountOnlyReviewsAnyoneMayRead(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("Dawn", as: ada)
            let (editionID, workID) = (edition.int("id") ?? 0, edition.int("work_id") ?? 0)

            // call
            _ = try await client.post(["type": "review", "edition_id": editionID, "rating": 5, "privacy": "public"], as: ada)
            _ = try await client.post(["type": "review", "edition_id": editionID, "rating": 4, "privacy": "unlisted"], as: ada)
            let hidden = try await client.post(["type": "review", "edition_id": editionID, "rating": 1, "privacy": "followers"], as: ada)
            _ = try await client.send(.patch, "/v1/statuses/\(hidden.int("id") ?? 0)", as: ada, json: ["rating": 2])

            // check
            let work = try await client.send(.get, "/v1/works/\(workID)").body.json
            #expect(work.int("ratings_count") == 2)
            #expect(work.int("reviews_count") == 2)
            #expect(work["average_rating"] as? Double == 4.5)
            #expect(try await CounterAudit(database: database).run(repair: false).isEmpty)
        }
    }
}
