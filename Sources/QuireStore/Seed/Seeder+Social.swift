import QuireCore
import SQLKit

/// The social part of `quire seed`: accounts, follows, statuses, boosts and likes drawn from the
/// seed, then home timelines, broadcasters and every counter derived inside the database with
/// INSERT ... SELECT in keyset ranges, so the result is what the application would have built
/// (`quire counters check` finds no drift) and memory stays flat whatever the scale.
/// Seeded statuses notify nobody: there are no notifications, so every unread count is 0.
extension Seeder {
    /// Accounts the benchmarks name, made after the plan's users.
    static let specialAccounts = ["celebrity", "tenfollowers", "celebfan", "smallfan", "deepreader"]

    func seedSocial(base: [String: Int64], editionWorks: [Int32], progress: Progress) async throws -> Int {
        guard plan.statuses > 0 || plan.followsPerUser > 0 || plan.celebrityFollowers > 0 else { return 0 }
        guard plan.users > 1 else { throw DatabaseError.badConfiguration("--statuses and follows need --users of at least 2") }
        let layout = SocialLayout(plan: plan, userBase: base["users"]!, shelfBase: base["shelves"]! + Int64(plan.users) * 4,
                                  statusBase: base["statuses"]!, editionBase: base["editions"]!, editionWorks: editionWorks,
                                  workBase: base["works"]!)
        var rows = try await seedAccounts(layout, progress: progress)
        rows += try await seedFollows(layout, progress: progress)
        // statuses_boost stays: the boosts' ON CONFLICT needs it.
        rows += try await withoutIndexes(SocialIndexes.statuses.filter { $0.name != "statuses_boost" }) {
            try await seedStatuses(layout, progress: progress) + (try await seedBoostsAndLikes(layout, progress: progress))
        }
        rows += try await deriveTimelinesAndCounters(layout, progress: progress)
        return rows
    }

    /// Runs a bulk load with `indexes` dropped, and builds them again after it, failed or not.
    func withoutIndexes(_ indexes: [SocialIndexes.Index], _ load: () async throws -> Int) async throws -> Int {
        try await write { db in
            for index in indexes { try await db.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.name)").run() }
        }
        let result: Result<Int, any Error>
        do { result = .success(try await load()) } catch { result = .failure(error) }
        try await write { db in
            for index in indexes { try await db.raw("\(unsafeRaw: index.create)").run() }
        }
        return try result.get()
    }

    private func seedAccounts(_ layout: SocialLayout, progress: Progress) async throws -> Int {
        let now = Timestamp.microsecondsNow()
        try await write { db in
            var users = BulkInsert("users", ["id", "username", "username_key", "email", "password_hash", "created_at"])
            var shelves = BulkInsert("shelves", ["id", "user_id", "identifier", "name", "privacy", "is_default", "created_at"])
            for (offset, name) in Self.specialAccounts.enumerated() {
                let id = layout.special(offset)
                try await users.add([id, name, name, "\(name)@example.org", Self.passwordHash, now], on: db)
            }
            try await users.flush(on: db)
            for offset in Self.specialAccounts.indices {
                for (index, shelf) in DefaultShelf.allCases.enumerated() {
                    try await shelves.add([layout.shelfBase + Int64(offset * 4 + index) + 1, layout.special(offset), shelf.rawValue, shelf.name,
                                           "public", true, now], on: db)
                }
            }
            try await shelves.flush(on: db)
        }
        // Follower-only accounts: no shelves, they never sign in.
        try await inBatches(layout.lurkers, rowsPerItem: 1, { range, db in
            var users = BulkInsert("users", ["id", "username", "username_key", "created_at"])
            for index in range {
                let id = layout.lurker(index)
                try await users.add([id, "lurker\(id)", "lurker\(id)", now], on: db)
            }
            try await users.flush(on: db)
        }, progress: { progress("lurkers", $0, layout.lurkers) })
        return Self.specialAccounts.count * 5 + layout.lurkers
    }

    private func seedFollows(_ layout: SocialLayout, progress: Progress) async throws -> Int {
        let (seed, perUser, now) = (plan.seed, plan.followsPerUser, Timestamp.microsecondsNow())
        let conflict = "ON CONFLICT (follower_id, followee_id) DO NOTHING"
        try await inBatches(plan.users, rowsPerItem: max(1, perUser), { range, db in
            var follows = BulkInsert("follows", ["follower_id", "followee_id", "created_at"], suffix: conflict)
            for index in range {
                var random = SeedRandom.forItem(seed, 20, index)
                for _ in 0..<perUser {
                    let other = Int(random.next() % UInt64(layout.users))
                    guard other != index else { continue }
                    try await follows.add([layout.user(index), layout.user(other), now], on: db)
                }
            }
            try await follows.flush(on: db)
        }, progress: { progress("follows", $0, plan.users) })
        // The comparison accounts: tenfollowers has exactly ten followers;
        // celebfan and smallfan follow the same ten users, plus the celebrity or tenfollowers.
        try await write { db in
            var follows = BulkInsert("follows", ["follower_id", "followee_id", "created_at"], suffix: conflict)
            for index in 0..<min(10, layout.users) {
                // Nine users and smallfan: ten, as the celebrity's users and celebfan are its followers.
                if index < 9 { try await follows.add([layout.user(index), layout.tenFollowers, now], on: db) }
                try await follows.add([layout.celebFan, layout.user((index + 10) % layout.users), now], on: db)
                try await follows.add([layout.smallFan, layout.user((index + 10) % layout.users), now], on: db)
            }
            try await follows.add([layout.celebFan, layout.celebrity, now], on: db)
            try await follows.add([layout.smallFan, layout.tenFollowers, now], on: db)
            try await follows.flush(on: db)
        }
        // deepreader and the celebrity's followers, inside the database in id ranges.
        try await insertRanges(from: layout.user(0), through: layout.user(min(plan.deepFollows, layout.users) - 1), label: "deep follows", progress: progress) { low, high in
            """
            INSERT INTO follows (follower_id, followee_id, created_at)
            SELECT \(bind: layout.deepReader), id, \(bind: now) FROM users WHERE id BETWEEN \(bind: low) AND \(bind: high) ORDER BY id
            ON CONFLICT (follower_id, followee_id) DO NOTHING
            """
        }
        if plan.celebrityFollowers > 0 {
            try await insertRanges(from: layout.user(0), through: layout.lastUserID, label: "celebrity", progress: progress) { low, high in
                """
                INSERT INTO follows (follower_id, followee_id, created_at)
                SELECT id, \(bind: layout.celebrity), \(bind: now) FROM users
                WHERE id BETWEEN \(bind: low) AND \(bind: high) AND id NOT IN (\(bind: layout.celebrity), \(bind: layout.tenFollowers),
                      \(bind: layout.smallFan), \(bind: layout.deepReader))
                ORDER BY id
                ON CONFLICT (follower_id, followee_id) DO NOTHING
                """
            }
        }
        return plan.users * perUser + 32 + plan.deepFollows + plan.celebrityFollowers
    }

    private func seedStatuses(_ layout: SocialLayout, progress: Progress) async throws -> Int {
        let seed = plan.seed
        let columns = ["id", "user_id", "kind", "edition_id", "work_id", "title", "body", "rating", "privacy", "in_reply_to_id", "thread_id", "created_at"]
        try await inBatches(plan.statuses, rowsPerItem: 1, { range, db in
            var statuses = BulkInsert("statuses", columns)
            for index in range {
                let status = layout.status(index, seed: seed)
                try await statuses.add([
                    layout.statusID(index), status.author, status.kind.rawValue, status.edition, status.work,
                    status.kind == .review ? "Review \(index)" : nil, "Seeded \(status.kind.rawValue) number \(index).", status.rating,
                    status.privacy.rawValue, status.parent.map(layout.statusID), status.parent.map(layout.statusID), layout.createdAt(index),
                ], on: db)
            }
            try await statuses.flush(on: db)
        }, progress: { progress("statuses", $0, plan.statuses) })
        return plan.statuses
    }

    private func seedBoostsAndLikes(_ layout: SocialLayout, progress: Progress) async throws -> Int {
        guard plan.statuses > 0 else { return 0 }
        let seed = plan.seed
        try await inBatches(plan.boosts, rowsPerItem: 1, { range, db in
            var boosts = BulkInsert("statuses", ["id", "user_id", "kind", "body", "privacy", "boost_of_id", "created_at"],
                                    suffix: "ON CONFLICT (boost_of_id, user_id) DO NOTHING")
            for index in range {
                var random = SeedRandom.forItem(seed, 30, index)
                let target = Int(random.next() % UInt64(plan.statuses))
                guard layout.status(target, seed: seed).privacy.isBoostable else { continue }
                let id = layout.statusID(plan.statuses + index)
                try await boosts.add([id, layout.user(Int(random.next() % UInt64(layout.users))), StatusKind.boost.rawValue, "",
                                      StatusPrivacy.public.rawValue, layout.statusID(target), layout.createdAt(plan.statuses + index)], on: db)
            }
            try await boosts.flush(on: db)
        }, progress: { progress("boosts", $0, plan.boosts) })
        let now = Timestamp.microsecondsNow()
        try await inBatches(plan.likes, rowsPerItem: 1, { range, db in
            var likes = BulkInsert("likes", ["status_id", "user_id", "created_at"], suffix: "ON CONFLICT (status_id, user_id) DO NOTHING")
            for index in range {
                var random = SeedRandom.forItem(seed, 31, index)
                // A fifth of the likes go to the celebrity's statuses.
                let target = index % 5 == 0 ? layout.celebrityStatus(Int(random.next() % UInt64(max(1, plan.statuses / SocialLayout.celebrityEvery))))
                                            : Int(random.next() % UInt64(plan.statuses))
                guard target < plan.statuses, layout.status(target, seed: seed).privacy.isBoostable else { continue }
                try await likes.add([layout.statusID(target), layout.user(Int(random.next() % UInt64(layout.users))), now], on: db)
            }
            try await likes.flush(on: db)
        }, progress: { progress("likes", $0, plan.likes) })
        return plan.boosts + plan.likes
    }

    /// Runs one INSERT ... SELECT per id range of `rangeSize`, each in its own transaction.
    func insertRanges(from low: Int64, through high: Int64, rangeSize: Int64 = 50_000, label: String, progress: Progress,
                      _ statement: @escaping @Sendable (Int64, Int64) -> SQLQueryString) async throws {
        guard high >= low else { return }
        var start = low
        while start <= high {
            let (first, end) = (start, min(high, start + rangeSize - 1))
            try await write { try await $0.raw(statement(first, end)).run() }
            progress(label, Int(end - low + 1), Int(high - low + 1))
            start = end + 1
        }
    }
}
