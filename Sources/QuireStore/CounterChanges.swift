import QuireCore
import SQLKit

/// The counter deltas one social write makes, gathered while it writes its rows and applied at
/// the end in the lock order of `Counters` (steps ascending, keys ascending within a step), so no
/// write path can take counter rows in another order by accident.
public struct CounterChanges: Sendable {
    private var users: [Int64: [Counters.UserColumn: Int64]] = [:]
    private var userShards: [ShardKey: (followers: Int64, unread: Int64)] = [:]
    private var works: [Int64: (reviews: Int64, ratings: Int64, sum: Int64)] = [:]
    private var statuses: [ShardKey: (likes: Int64, boosts: Int64, replies: Int64)] = [:]

    public init() {}

    struct ShardKey: Hashable, Comparable, Sendable {
        let id: Int64
        let shard: Int64
        static func < (a: ShardKey, b: ShardKey) -> Bool { (a.id, a.shard) < (b.id, b.shard) }
    }

    mutating func user(_ userID: Int64, _ column: Counters.UserColumn, _ delta: Int64) {
        users[userID, default: [:]][column, default: 0] += delta
    }

    /// A status of `privacy` posted (1) or deleted (-1): the total and its audience's count.
    mutating func statuses(of userID: Int64, privacy: String, _ delta: Int64) {
        user(userID, .statuses, delta)
        if let column = Counters.audienceColumn(privacy) { user(userID, column, delta) }
    }

    mutating func followers(of userID: Int64, actor: Int64, _ delta: Int64) {
        userShards[ShardKey(id: userID, shard: Counters.shard(actor)), default: (0, 0)].followers += delta
    }

    mutating func unread(of userID: Int64, actor: Int64, _ delta: Int64) {
        userShards[ShardKey(id: userID, shard: Counters.shard(actor)), default: (0, 0)].unread += delta
    }

    /// A review with `halfStars` (or none) arriving (`sign` 1) or leaving (-1).
    mutating func review(work workID: Int64, halfStars: Int?, _ sign: Int64) {
        var entry = works[workID, default: (0, 0, 0)]
        entry.reviews += sign
        if let halfStars {
            entry.ratings += sign
            entry.sum += sign * Int64(halfStars)
        }
        works[workID] = entry
    }

    mutating func status(_ statusID: Int64, actor: Int64, likes: Int64 = 0, boosts: Int64 = 0, replies: Int64 = 0) {
        let key = ShardKey(id: statusID, shard: Counters.shard(actor))
        var entry = statuses[key, default: (0, 0, 0)]
        entry.likes += likes
        entry.boosts += boosts
        entry.replies += replies
        statuses[key] = entry
    }

    public func apply(on db: any SQLDatabase) async throws {
        for userID in users.keys.sorted() {
            for (column, delta) in users[userID, default: [:]].sorted(by: { $0.key.rawValue < $1.key.rawValue }) where delta != 0 {
                try await Counters.addUser(userID, column, delta, on: db)
            }
        }
        for key in userShards.keys.sorted() {
            guard let entry = userShards[key], entry.followers != 0 || entry.unread != 0 else { continue }
            try await Counters.addUserShard(key.id, shard: key.shard, followers: entry.followers, unread: entry.unread, on: db)
        }
        var moved: [(workID: Int64, reviews: Int64, ratings: Int64, sum: Int64)] = []
        for workID in works.keys.sorted() {
            guard let entry = works[workID], entry != (0, 0, 0) else { continue }
            moved.append((workID, entry.reviews, entry.ratings, entry.sum))
        }
        if moved.count == 1, let work = moved.first {
            try await Counters.addWorkReviews(work.workID, reviews: work.reviews, ratings: work.ratings, sum: work.sum, on: db)
        } else if !moved.isEmpty {
            // A batch (an import) moves many works: one statement, its rows in ascending work order.
            try await Counters.addWorkReviews(moved, on: db)
        }
        for key in statuses.keys.sorted() {
            guard let entry = statuses[key], entry != (0, 0, 0) else { continue }
            try await Counters.addStatus(key.id, shard: key.shard, likes: entry.likes, boosts: entry.boosts, replies: entry.replies, on: db)
        }
    }
}
