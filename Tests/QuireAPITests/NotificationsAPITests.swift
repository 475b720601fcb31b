import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct NotificationsAPITests {
    @Test(arguments: TestEngine.all)
    func eachKindNotifiesOnceAndCanBeMarkedRead(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let cy = try await client.signUp("cyd")
            let note = try await client.note("hello", as: ada).int("id") ?? 0

            // call: a follow, a like (twice, with an unlike between), a boost, a reply, a mention, a follow request
            try await client.follow("ada", as: bob)
            _ = try await client.send(.post, "/v1/statuses/\(note)/like", as: bob)
            _ = try await client.send(.delete, "/v1/statuses/\(note)/like", as: bob)
            _ = try await client.send(.post, "/v1/statuses/\(note)/like", as: bob)
            _ = try await client.send(.post, "/v1/statuses/\(note)/boost", as: bob)
            _ = try await client.note("hi back", as: bob, replyTo: note)
            _ = try await client.note("have you met @ada?", as: cy)
            _ = try await client.send(.patch, "/v1/me", as: ada, json: ["manually_approves_followers": true])
            _ = try await client.send(.post, "/v1/users/ada/follow", as: cy)
            _ = try await client.note("talking to myself @ada", as: ada)

            // check
            let list = try await client.send(.get, "/v1/notifications", as: ada).body.json
            #expect(list.items.compactMap { $0["type"] as? String } == ["follow_request", "mention", "reply", "boost", "like", "follow"])
            #expect(list.int("unread_count") == 6)
            #expect(list.items.first?["read"] as? Bool == false)
            #expect((list.items.last?["account"] as? [String: Any])?["username"] as? String == "bob")
            #expect(list.items.first { $0["type"] as? String == "like" }?.int("status_id") == note)
            #expect(try await client.send(.get, "/v1/notifications", as: bob).body.json.int("unread_count") == 0)

            let likeID = list.items.first { $0["type"] as? String == "like" }?.int("id") ?? 0
            let partly = try await client.send(.post, "/v1/notifications/read", as: ada, json: ["up_to_id": likeID])
            #expect(partly.body.json.int("unread_count") == 4)
            let all = try await client.send(.post, "/v1/notifications/read", as: ada)
            #expect(all.body.json.int("unread_count") == 0)
            let after = try await client.send(.get, "/v1/notifications?limit=2", as: ada).body.json
            #expect(after.items.allSatisfy { $0["read"] as? Bool == true })
            #expect(after.items.count == 2)
            #expect(after["next_cursor"] is String)
            #expect(try await client.send(.post, "/v1/notifications/read", as: ada, json: ["up_to_id": "x"]).body.json.error["field"] as? String == "up_to_id")
            #expect(try await client.send(.get, "/v1/notifications").status == .unauthorized)
        }
    }
}
