import QuireCore
import QuireStore
import SQLKit
import TestSupport
import Testing

@Suite struct CounterAuditTests {
    /// A user with default shelves, and `editions` editions of `works` works.
    static func seed(_ database: Database, users: Int, editions: Int) async throws -> (users: [Int64], editions: [EditionRecord]) {
        try await database.write { db in
            var userIDs: [Int64] = []
            for index in 0..<users {
                guard let user = try await UserQueries.create(NewUser(username: "reader\(index)", email: nil, passwordHash: nil), on: db) else { continue }
                try await ShelfQueries.createDefaults(userID: user.id, privacy: "public", on: db)
                userIDs.append(user.id)
            }
            var made: [EditionRecord] = []
            for index in 0..<editions {
                var new = NewEdition(title: "Edition \(index)")
                new.authorNames = ["Author \(index % 3)"]
                // Every other edition joins the previous one's work, so works have several editions.
                if index % 2 == 1, let previous = made.last { new.workID = previous.workID }
                if case .created(let edition, _) = try await EditionQueries.create(new, on: db) { made.append(edition) }
            }
            return (userIDs, made)
        }
    }

    static func shelves(of userID: Int64, _ database: Database) async throws -> [ShelfRecord] {
        try await database.read { try await ShelfQueries.list(userID: userID, privacies: ["public", "followers", "private"], after: nil, limit: 100, on: $0) }
    }

    @Test(arguments: TestEngine.all)
    func concurrentShelvingAndUnshelvingLeavesNoDrift(engine: TestEngine) async throws {
        try await withTestDatabase(engine, poolSize: 8) { database in
            // setup
            let (users, editions) = try await Self.seed(database, users: 4, editions: 6)
            var shelvesByUser: [Int64: [ShelfRecord]] = [:]
            for user in users { shelvesByUser[user] = try await Self.shelves(of: user, database) }
            let plan = shelvesByUser

            // call: 400 operations from many tasks, moving the same books between the same shelves
            try await withThrowingTaskGroup(of: Void.self) { group in
                for step in 0..<400 {
                    group.addTask {
                        let user = users[step % users.count]
                        let shelf = plan[user]![(step / 3) % 4]
                        let edition = editions[(step * 7) % editions.count]
                        _ = try await database.write { db in
                            if step % 3 == 2 {
                                _ = try await ShelfBookQueries.unshelve(shelf, edition: edition, on: db)
                            } else {
                                _ = try await ShelfBookQueries.shelve(shelf, edition: edition, on: db)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }

            // check
            let drift = try await CounterAudit(database: database, batchSize: 3).run(repair: false)
            #expect(drift.isEmpty, "\(drift)")
            for user in users {
                let onDefaults = try await database.read { db in
                    try await db.raw("""
                        SELECT sb.edition_id FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
                        WHERE sb.user_id = \(bind: user) AND s.is_default = \(bind: true)
                        """).all().map { try $0.decode(column: "edition_id", as: Int64.self) }
                }
                #expect(onDefaults.count == Set(onDefaults).count, "an edition is on two default shelves of user \(user)")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func checkFindsDriftAndRepairFixesIt(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: two shelvings, then counters knocked out of true behind the code's back
            let (users, editions) = try await Self.seed(database, users: 1, editions: 2)
            let shelves = try await Self.shelves(of: users[0], database)
            let read = shelves.first { $0.identifier == "read" }!
            try await database.write { db in
                _ = try await ShelfBookQueries.shelve(read, edition: editions[0], on: db)
                _ = try await ShelfBookQueries.shelve(read, edition: editions[1], on: db)
                try await db.raw("UPDATE shelf_counts SET books = 7").run()
                try await db.raw("UPDATE user_counts SET books_read = 0, books_to_read = 3").run()
                try await db.raw("UPDATE work_counts SET shelved_users = 5").run()
            }

            // call
            let found = try await CounterAudit(database: database).run(repair: false)
            let repaired = try await CounterAudit(database: database).run(repair: true)
            let after = try await CounterAudit(database: database).run(repair: false)

            // check
            #expect(Set(found.map(\.counter)) == ["shelf_counts.books", "user_counts.books_read", "user_counts.books_to_read", "work_counts.shelved_users"])
            #expect(found.first { $0.counter == "shelf_counts.books" }?.actual == 2)
            #expect(repaired == found)
            #expect(after.isEmpty)
            let shelf = try await database.read { try await ShelfQueries.find(read.id, on: $0) }
            #expect(shelf?.bookCount == 2)
        }
    }
}

@Suite struct SocialCounterAuditTests {
    /// Sharded and plain social counters that drifted are found and repaired, and stay exact for
    /// deltas that land afterwards.
    @Test(arguments: TestEngine.all)
    func socialCounterDriftIsFoundAndRepaired(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a small social seed, then three counters knocked off
            var plan = SeedPlan()
            (plan.users, plan.statuses, plan.likes, plan.followsPerUser, plan.celebrityFollowers) = (20, 200, 300, 3, 30)
            _ = try await Seeder(database: database, plan: plan).run()
            let liked = try await database.read { db in
                try await db.raw("SELECT status_id FROM likes ORDER BY status_id LIMIT 1").first()?.decode(column: "status_id", as: Int64.self) ?? 0
            }
            try await database.write { db in
                try await db.raw("INSERT INTO status_counts (status_id, shard, likes) VALUES (\(bind: liked), 3, 5) ON CONFLICT (status_id, shard) DO UPDATE SET likes = 5").run()
                try await db.raw("UPDATE user_shard_counts SET followers = followers + 2 WHERE user_id = 1").run()
                try await db.raw("UPDATE user_counts SET statuses = statuses + 1 WHERE user_id = 2").run()
            }

            // call
            let found = try await CounterAudit(database: database).run(repair: true)
            let after = try await CounterAudit(database: database).run(repair: false)

            // check
            #expect(Set(found.map(\.counter)) == ["status_counts.likes", "user_shard_counts.followers", "user_counts.statuses"])
            #expect(after.isEmpty, "\(after)")
            // a like landing on another shard after the repair keeps the sum exact
            let liker = try await database.write { db -> Int64 in
                let user = try await UserQueries.create(NewUser(username: "latecomer", email: nil, passwordHash: nil), on: db)
                let status = try await StatusQueries.find(liked, viewer: user?.id ?? 0, on: db)
                if let status, let user { try await LikeQueries.like(status, by: user.id, on: db) }
                return user?.id ?? 0
            }
            #expect(liker != 0)
            #expect(try await CounterAudit(database: database).run(repair: false).isEmpty)
        }
    }
}
