import QuireCore
import SQLKit

/// Every count a profile shows, read from counter rows (lesson 4), never counted.
public struct ProfileCounts: Sendable, Equatable {
    public var followers: Int64 = 0
    public var following: Int64 = 0
    public var statuses: Int64 = 0
    public var books: [DefaultShelf: Int64] = [:]
}

public enum ProfileQueries {
    /// A user's counts in one statement: their own `user_counts` row and the sum of their
    /// follower shards (at most `Counters.shardCount` rows), both through primary keys, so a
    /// celebrity's profile costs what anyone's does.
    public static func counts(userID: Int64, on db: any SQLDatabase) async throws -> ProfileCounts {
        let shelfColumns = DefaultShelf.allCases.map { "COALESCE(uc.\(Counters.userColumn($0)), 0) AS \(Counters.userColumn($0))" }
        guard let row = try await db.raw("""
            SELECT COALESCE(uc.following, 0) AS following, COALESCE(uc.statuses, 0) AS statuses, \(unsafeRaw: shelfColumns.joined(separator: ", ")),
              (SELECT CAST(COALESCE(SUM(sc.followers), 0) AS BIGINT) FROM user_shard_counts sc WHERE sc.user_id = \(bind: userID)) AS followers
            FROM users u LEFT JOIN user_counts uc ON uc.user_id = u.id WHERE u.id = \(bind: userID)
            """).first()
        else { return ProfileCounts() }
        var counts = ProfileCounts()
        counts.followers = try row.decode(column: "followers", as: Int64.self)
        counts.following = try row.decode(column: "following", as: Int64.self)
        counts.statuses = try row.decode(column: "statuses", as: Int64.self)
        for shelf in DefaultShelf.allCases {
            counts.books[shelf] = try row.decode(column: Counters.userColumn(shelf), as: Int64.self)
        }
        return counts
    }
}
