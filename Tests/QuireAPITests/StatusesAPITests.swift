import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct StatusesAPITests {
    @Test(arguments: TestEngine.all)
    func eachTypeIsPostedShownEditedAndDeleted(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("The Dispossessed", as: ada)
            let editionID = edition.int("id") ?? 0
            let workID = edition.int("work_id") ?? 0

            // call
            let review = try await client.post(["type": "review", "edition_id": editionID, "title": "Ambiguous", "body": "An ambiguous utopia.",
                                                "rating": 4.5, "content_warning": "spoilers", "privacy": "public"], as: ada)
            let comment = try await client.post(["type": "comment", "edition_id": editionID, "body": "Halfway.", "progress": 150], as: ada)
            let quotation = try await client.post(["type": "quotation", "edition_id": editionID, "quote": "You cannot buy the revolution.",
                                                   "position": "p. 301", "body": ""], as: ada)
            let note = try await client.note("Reading on the train", as: ada)

            // check
            #expect(review["type"] as? String == "review")
            #expect(review["rating"] as? Double == 4.5)
            #expect(review["content_warning"] as? String == "spoilers")
            #expect((review["book"] as? [String: Any])?.int("work_id") == workID)
            #expect(((review["book"] as? [String: Any])?["authors"] as? [[String: Any]])?.first?["name"] as? String == "Ursula K. Le Guin")
            #expect((review["account"] as? [String: Any])?["username"] as? String == "ada")
            #expect(comment.int("progress") == 150)
            #expect(quotation["quote"] as? String == "You cannot buy the revolution.")
            #expect(quotation["position"] as? String == "p. 301")
            #expect(note["book"] is NSNull)
            #expect(try await client.profile("ada").int("statuses_count") == 4)
            let work = try await client.send(.get, "/v1/works/\(workID)").body.json
            #expect(work.int("ratings_count") == 1)

            let reviewID = review.int("id") ?? 0
            let shown = try await client.send(.get, "/v1/statuses/\(reviewID)?fields=id,body,likes_count")
            #expect(shown.status == .ok)
            #expect(Set(shown.body.json.keys) == ["id", "body", "likes_count"])

            let edited = try await client.send(.patch, "/v1/statuses/\(reviewID)", as: ada, json: ["body": "Better on rereading.", "rating": 5])
            #expect(edited.status == .ok)
            #expect(edited.body.json["body"] as? String == "Better on rereading.")
            #expect(edited.body.json["edited_at"] is String)
            #expect(work["average_rating"] as? Double == 4.5)
            let rerated = try await client.send(.get, "/v1/works/\(workID)").body.json
            #expect(rerated["average_rating"] as? Double == 5.0)
            #expect(rerated.int("reviews_count") == 1)

            let deleted = try await client.send(.delete, "/v1/statuses/\(reviewID)", as: ada)
            #expect(deleted.status == .noContent)
            #expect(try await client.send(.get, "/v1/statuses/\(reviewID)").status == .notFound)
            #expect(try await client.send(.delete, "/v1/statuses/\(reviewID)", as: ada).status == .notFound)
            #expect(try await client.profile("ada").int("statuses_count") == 3)
            let after = try await client.send(.get, "/v1/works/\(workID)").body.json
            #expect(after.int("ratings_count") == 0)
        }
    }

    @Test(arguments: TestEngine.all)
    func badInputIsA400NamingTheFieldAndWritesNothing(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let editionID = try await client.addEdition("Lathe of Heaven", as: ada).int("id") ?? 0
            let cases: [([String: Any], String)] = [
                (["body": "no type"], "type"),
                (["type": "poem", "body": "x"], "type"),
                (["type": "review", "body": "no book"], "edition_id"),
                (["type": "review", "edition_id": 999_999, "body": "x"], "edition_id"),
                (["type": "review", "edition_id": editionID, "body": "x", "rating": 6], "rating"),
                (["type": "review", "edition_id": editionID, "body": "x", "rating": 3.3], "rating"),
                (["type": "review", "edition_id": editionID], "body"),
                (["type": "comment", "edition_id": editionID, "body": "x", "rating": 3], "rating"),
                (["type": "comment", "edition_id": editionID, "body": "x", "progress": -1], "progress"),
                (["type": "quotation", "edition_id": editionID, "body": "x"], "quote"),
                (["type": "note", "body": ""], "body"),
                (["type": "note", "body": String(repeating: "a", count: 10_001)], "body"),
                (["type": "note", "body": "x", "privacy": "secret"], "privacy"),
                (["type": "note", "body": "x", "content_warning": String(repeating: "w", count: 501)], "content_warning"),
                (["type": "note", "body": "x", "in_reply_to_id": 424_242], "in_reply_to_id"),
            ]
            for (json, field) in cases {
                let response = try await client.send(.post, "/v1/statuses", as: ada, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(response.body.json.error["field"] as? String == field, "\(json): \(String(buffer: response.body))")
            }
            #expect(try await client.profile("ada").int("statuses_count") == 0)
            #expect(try await client.send(.post, "/v1/statuses", json: ["type": "note", "body": "x"]).status == .unauthorized)

            let note = try await client.note("mine", as: ada).int("id") ?? 0
            let privacyChange = try await client.send(.patch, "/v1/statuses/\(note)", as: ada, json: ["privacy": "direct"])
            #expect(privacyChange.status == .badRequest)
            #expect(privacyChange.body.json.error["field"] as? String == "privacy")
            #expect(try await client.send(.patch, "/v1/statuses/\(note)", as: bob, json: ["body": "hijack"]).status == .notFound)
            #expect(try await client.send(.delete, "/v1/statuses/\(note)", as: bob).status == .notFound)
            #expect(try await client.send(.get, "/v1/statuses/\(note)").body.json["body"] as? String == "mine")
        }
    }

    @Test(arguments: TestEngine.all)
    func repliesFormAThreadAndCountReplies(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let root = try await client.note("What are you reading?", as: ada).int("id") ?? 0

            // call
            let first = try await client.note("Le Guin.", as: bob, replyTo: root).int("id") ?? 0
            let second = try await client.note("Which one?", as: ada, replyTo: first).int("id") ?? 0

            // check
            let thread = try await client.send(.get, "/v1/statuses/\(second)/thread?limit=2")
            #expect(thread.body.json.items.compactMap { $0.int("id") } == [root, first])
            let rest = try await client.send(.get, "/v1/statuses/\(root)/thread?cursor=\(thread.body.json["next_cursor"] as? String ?? "")")
            #expect(rest.body.json.items.compactMap { $0.int("id") } == [second])
            #expect(try await client.send(.get, "/v1/statuses/\(root)").body.json.int("replies_count") == 1)
            #expect(try await client.send(.get, "/v1/statuses/\(first)").body.json.int("thread_id") == root)
            _ = try await client.send(.delete, "/v1/statuses/\(first)", as: bob)
            #expect(try await client.send(.get, "/v1/statuses/\(root)").body.json.int("replies_count") == 0)
        }
    }
}

@Suite struct GeneratedStatusAPITests {
    @Test(arguments: TestEngine.all)
    func shelvingCanPostAGeneratedStatus(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            try await client.follow("ada", as: bob)
            let edition = try await client.addEdition("The Left Hand of Darkness", as: ada)
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let read = shelves.first { $0["identifier"] as? String == "read" }?.int("id") ?? 0
            let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0

            // call
            let quiet = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(edition.int("id") ?? 0)", as: ada)
            let posted = try await client.send(.put, "/v1/shelves/\(read)/books/\(edition.int("id") ?? 0)", as: ada,
                                               json: ["post_status": true, "privacy": "public"])
            let bad = try await client.send(.put, "/v1/shelves/\(read)/books/\(edition.int("id") ?? 0)", as: ada, json: ["privacy": "everyone"])

            // check
            #expect(quiet.status == .created)
            #expect(posted.status == .created)
            #expect(bad.status == .badRequest)
            #expect(bad.body.json.error["field"] as? String == "privacy")
            let home = try await client.send(.get, "/v1/timelines/home", as: bob).body.json.items
            #expect(home.count == 1)
            #expect(home.first?["type"] as? String == "generated")
            #expect(home.first?["body"] as? String == "finished reading")
            #expect((home.first?["book"] as? [String: Any])?["title"] as? String == "The Left Hand of Darkness")
        }
    }
}
