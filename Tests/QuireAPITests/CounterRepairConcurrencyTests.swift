import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import SQLKit
import Synchronization
import TestSupport
import Testing

/// Every write that moves a counter (likes, boosts and their undoing, follows, blocks, replies of
/// every privacy, deletes, shelvings with and without a generated status), from many clients at
/// once, while repairs fix counters knocked off beside them (the very ones the clients move): each
/// repair sees exactly what was knocked off, nothing the writes did, and every counter is exact at
/// the end.
@Suite struct CounterRepairConcurrencyTests {
    /// What one client may do, drawn at random.
    enum Action: CaseIterable { case like, unlike, boost, unboost, follow, unfollow, block, unblock, reply, delete, shelve, unshelve }

    /// A status a client posted, with its author, so that the author can delete it.
    struct Posted: Sendable { let author: APIUser; let id: Int64 }

    /// What the clients act on.
    struct Scene: Sendable {
        let users: [APIUser]
        let shelves: [Int64: [Int64]]
        let statuses: (hot: Int64, other: Int64)
        let editions: [Int64]
        /// The work of the first two editions, and the to-read shelf of the user at index 3.
        let work: Int64, toRead: Int64
    }

    /// Tells the repairs that the clients are done.
    final class Done: Sendable {
        private let state = Mutex(false)
        func set() { state.withLock { $0 = true } }
        var isSet: Bool { state.withLock { $0 } }
    }

    @Test(arguments: TestEngine.all)
    func everyCountedWriteBesideARepairLeavesNoDrift(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.fanoutLimit = 10 }) { client, database in
            // setup: 24 users with their default shelves, two statuses everyone acts on, three editions of two works
            var users: [APIUser] = []
            var shelves: [Int64: [Int64]] = [:]
            for index in 0..<24 {
                let user = try await client.signUp("user\(index)")
                // Before its first request, so that no cached session predates it.
                if index == 0 { _ = try await database.write { try await UserQueries.grantAdmin(username: "user0", on: $0) } }
                users.append(user)
                shelves[user.id] = try await client.send(.get, "/v1/users/\(user.username)/shelves", as: user).body.json.items.compactMap { $0.int("id") }
            }
            let hot = try await client.note("popular", as: users[0]).int("id") ?? 0
            let other = try await client.note("ordinary", as: users[1]).int("id") ?? 0
            let first = try await client.addEdition("First", authors: ["Author"], as: users[0])
            let second = try await client.send(.post, "/v1/editions", as: users[0], json: ["title": "First, again", "work_id": first.int("work_id") ?? 0])
            let third = try await client.addEdition("Third", authors: ["Author"], as: users[0])
            let editions = [first.int("id"), second.body.json.int("id"), third.int("id")].compactMap { $0 }
            try #require(editions.count == 3)
            let toRead = try await client.send(.get, "/v1/users/user3/shelves", as: users[3]).body.json.items
                .first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
            let scene = Scene(users: users, shelves: shelves, statuses: (hot, other), editions: editions, work: first.int("work_id") ?? 0, toRead: toRead)
            let done = Done()

            // call: 32 clients of 40 requests each, a counters.repair job, and repairs until the clients are done
            async let repairs = Self.repairUntil(done, scene: scene, database: database)
            let started = try await client.send(.post, "/v1/admin/counters/repair", as: users[0])
            let failures: [String]
            do {
                failures = try await Self.clients(32, requests: 40, scene: scene, client: client)
                done.set()
            } catch {
                done.set()
                throw error
            }
            let (passes, repairedDuringWrites) = try await repairs

            // check
            #expect(failures.isEmpty, "\(failures.count) failed requests, first: \(failures.prefix(3))")
            #expect(passes >= 1, "no repair ran beside the writes")
            let knockedOff = Set(Self.knockedOff(scene).map { "\($0.counter) \($0.key)" })
            let wrong = repairedDuringWrites.filter { !knockedOff.contains("\($0.counter) \($0.key)") || $0.stored - $0.actual != Self.knock }
            #expect(wrong.isEmpty, "repairs beside the writes saw drift that was not knocked off: \(wrong.prefix(5))")
            #expect(started.status == .accepted)
            let job = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
            let repairJob = try await waitForJob(job, on: database) { $0.state.isFinished }
            #expect(repairJob.state == .succeeded, "\(repairJob)")
            // The job may have fixed what was knocked off before the loop's repair got to it.
            let jobRepaired = (try? JSONSerialization.jsonObject(with: Data((repairJob.result ?? "{}").utf8)) as? [String: Any])?["repaired"] as? Int ?? 0
            #expect(repairedDuringWrites.count + jobRepaired > 0, "the repairs beside the writes found nothing knocked off")
            let drift = try await CounterAudit(database: database).run(repair: false)
            #expect(drift.isEmpty, "drift: \(drift.prefix(10))")
        }
    }

    /// How far each knocked-off counter is moved, so that a repair's report shows it.
    static let knock: Int64 = 1000

    /// The counters knocked off before each repair: the hot status's, its author's followers, one
    /// user's following and statuses, another's to-read shelf and its count, the shared work's.
    static func knockedOff(_ scene: Scene) -> [(counter: String, key: [Int64])] {
        let (hot, users) = (scene.statuses.hot, scene.users)
        return [("status_counts.likes", [hot]), ("status_counts.boosts", [hot]), ("status_counts.replies", [hot]),
                ("user_shard_counts.followers", [users[0].id]), ("user_counts.following", [users[2].id]), ("user_counts.statuses", [users[2].id]),
                ("user_counts.statuses_public", [users[2].id]), ("user_counts.books_to_read", [users[3].id]), ("shelf_counts.books", [scene.toRead]),
                ("work_counts.shelved_users", [scene.work])]
    }

    /// Until `done`: knocks the counters off, then repairs in small batches, so that the repair
    /// interleaves with the writes. The drift each repair found.
    static func repairUntil(_ done: Done, scene: Scene, database: Database) async throws -> (passes: Int, drift: [CounterDrift]) {
        var (passes, drift) = (0, [CounterDrift]())
        let (hot, owner, reader, shelver, k) = (scene.statuses.hot, scene.users[0].id, scene.users[2].id, scene.users[3].id, knock)
        while !done.isSet {
            try await database.write { db in
                try await db.raw("""
                    INSERT INTO status_counts (status_id, shard, likes, boosts, replies) VALUES (\(bind: hot), 7, \(bind: k), \(bind: k), \(bind: k))
                    ON CONFLICT (status_id, shard) DO UPDATE SET likes = status_counts.likes + \(bind: k),
                    boosts = status_counts.boosts + \(bind: k), replies = status_counts.replies + \(bind: k)
                    """).run()
                try await db.raw("""
                    INSERT INTO user_shard_counts (user_id, shard, followers) VALUES (\(bind: owner), 7, \(bind: k))
                    ON CONFLICT (user_id, shard) DO UPDATE SET followers = user_shard_counts.followers + \(bind: k)
                    """).run()
                try await db.raw("""
                    INSERT INTO user_counts (user_id, following, statuses, statuses_public) VALUES (\(bind: reader), \(bind: k), \(bind: k), \(bind: k))
                    ON CONFLICT (user_id) DO UPDATE SET following = user_counts.following + \(bind: k),
                    statuses = user_counts.statuses + \(bind: k), statuses_public = user_counts.statuses_public + \(bind: k)
                    """).run()
                try await db.raw("""
                    INSERT INTO user_counts (user_id, books_to_read) VALUES (\(bind: shelver), \(bind: k))
                    ON CONFLICT (user_id) DO UPDATE SET books_to_read = user_counts.books_to_read + \(bind: k)
                    """).run()
                try await db.raw("""
                    INSERT INTO shelf_counts (shelf_id, books) VALUES (\(bind: scene.toRead), \(bind: k))
                    ON CONFLICT (shelf_id) DO UPDATE SET books = shelf_counts.books + \(bind: k)
                    """).run()
                try await db.raw("""
                    INSERT INTO work_counts (work_id, shelved_users) VALUES (\(bind: scene.work), \(bind: k))
                    ON CONFLICT (work_id) DO UPDATE SET shelved_users = work_counts.shelved_users + \(bind: k)
                    """).run()
            }
            drift += try await CounterAudit(database: database, batchSize: 16).run(repair: true)
            passes += 1
        }
        return (passes, drift)
    }

    /// `count` clients sending `requests` random writes each, all at once; the unexpected answers.
    static func clients(_ count: Int, requests: Int, scene: Scene, client: any TestClientProtocol) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<count {
                group.addTask {
                    // The seed's deterministic generator, so a failure can be replayed.
                    var random = SeedRandom(seed: UInt64(task + 100))
                    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
                    var posted: [Posted] = []
                    var failures: [String] = []
                    for _ in 0..<requests {
                        let (me, them) = (pick(scene.users), pick(scene.users))
                        let mine: Posted? = posted.isEmpty || random.next() % 2 == 0 ? nil : pick(posted)
                        let status = mine?.id ?? (random.next() % 4 == 0 ? scene.statuses.other : scene.statuses.hot)
                        let shelf = pick(Array(scene.shelves[me.id, default: [0]].prefix(4)))
                        let edition = pick(scene.editions)
                        let privacy = pick(["public", "unlisted", "followers"])
                        // The authors of the statuses everyone acts on never block or are blocked.
                        let blockable = ![me.id, them.id].contains { $0 == scene.users[0].id || $0 == scene.users[1].id }
                        let action = pick(Action.allCases)
                        var actor = me
                        let (method, uri, json): (HTTPRequest.Method, String, [String: Any]?) = switch action {
                        case .like: (.post, "/v1/statuses/\(status)/like", nil)
                        case .unlike: (.delete, "/v1/statuses/\(status)/like", nil)
                        case .boost: (.post, "/v1/statuses/\(status)/boost", nil)
                        case .unboost: (.delete, "/v1/statuses/\(status)/boost", nil)
                        case .follow: (.post, "/v1/users/\(them.username)/follow", nil)
                        case .unfollow: (.delete, "/v1/users/\(them.username)/follow", nil)
                        case .block: (blockable ? .post : .delete, "/v1/users/\(them.username)/block", nil)
                        case .unblock: (.delete, "/v1/users/\(them.username)/block", nil)
                        case .reply: (.post, "/v1/statuses", ["type": "note", "body": "reply", "in_reply_to_id": status, "privacy": privacy])
                        case .delete: (.delete, "/v1/statuses/\(mine?.id ?? 0)", nil)
                        case .shelve: (.put, "/v1/shelves/\(shelf)/books/\(edition)", random.next() % 3 == 0 ? ["post_status": true, "privacy": privacy] : nil)
                        case .unshelve: (.delete, "/v1/shelves/\(shelf)/books/\(edition)", nil)
                        }
                        if action == .delete {
                            guard let mine else { continue }
                            actor = mine.author
                            posted.removeAll { $0.id == mine.id }
                        }
                        let response = try await client.send(method, uri, as: actor, json: json)
                        if action == .reply, response.status == .created, let id = response.body.json.int("id") {
                            posted.append(Posted(author: me, id: id))
                        }
                        guard !expected(response.status, action, onPostedStatus: mine != nil, toSelf: me.id == them.id) else { continue }
                        failures.append("\(action) \(method) \(uri): \(response.status) \(String(buffer: response.body))")
                    }
                    return failures
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Whether a status is what the action may answer: success, or a status another client
    /// deleted, or whose author blocked this one, is not found (a 400 naming `in_reply_to_id` for
    /// a reply); a followers-only one can't be boosted; a relation with someone blocked is not found, and with oneself a 400; a book that
    /// another client took off the shelf is not found there.
    static func expected(_ status: HTTPResponse.Status, _ action: Action, onPostedStatus: Bool, toSelf: Bool) -> Bool {
        if status.code < 300 { return true }
        switch action {
        case .like, .unlike, .boost, .unboost:
            return onPostedStatus && (status == .notFound || (action == .boost && status == .unprocessableContent))
        case .reply:
            return onPostedStatus && status == .badRequest
        case .follow, .unfollow, .block, .unblock:
            return toSelf ? status == .badRequest : status == .notFound
        case .unshelve:
            return status == .notFound
        case .delete, .shelve:
            return false
        }
    }
}
