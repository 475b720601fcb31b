import QuireCore
import SQLKit

/// Every count a profile shows, read from counter rows (lesson 4), never counted.
public struct ProfileCounts: Sendable, Equatable {
    public var followers: Int64 = 0
    public var following: Int64 = 0
    /// Every status but boosts; the owner's count.
    public var statuses: Int64 = 0
    /// The public and unlisted ones among them, and the followers-only ones.
    public var statusesPublic: Int64 = 0
    public var statusesFollowers: Int64 = 0
    public var books: [DefaultShelf: Int64] = [:]
    /// Each default shelf's privacy, so a count is shown only to who may see the shelf.
    public var shelfPrivacy: [DefaultShelf: String] = [:]

    /// The statuses a viewer is shown a count of: the owner all of them, a follower the public,
    /// unlisted and followers-only ones, anyone else the public and unlisted ones. Direct
    /// statuses count for the owner alone: each reaches only those it mentions.
    public func statuses(forOwner isOwner: Bool, follower: Bool) -> Int64 {
        if isOwner { return statuses }
        return follower ? statusesPublic + statusesFollowers : statusesPublic
    }

    /// Adds a write's deltas (`TransactionChanges`); the shelves' privacy is not a count, and a
    /// change to it drops the entry instead.
    mutating func add(_ delta: ProfileCounts) {
        followers += delta.followers
        following += delta.following
        statuses += delta.statuses
        statusesPublic += delta.statusesPublic
        statusesFollowers += delta.statusesFollowers
        for (shelf, n) in delta.books { books[shelf, default: 0] += n }
    }

    /// What a cached entry holds, roughly: the struct and its two four-entry dictionaries.
    static let cacheBytes = 640
}

public enum ProfileQueries {
    /// A user's counts: outside a write transaction from the process's cache when it holds them
    /// (every write that moves one records `CacheKey.profileCounts`), else `read`.
    public static func counts(userID: Int64, on db: any SQLDatabase) async throws -> ProfileCounts {
        guard let caches = db.readCaches else { return try await read(userID: userID, on: db) ?? ProfileCounts() }
        if let counts = caches.profileCounts.value(userID) { return counts }
        let generation = caches.profileCounts.generation
        // An id with no account isn't kept: nothing would ever drop it.
        guard let counts = try await read(userID: userID, on: db) else { return ProfileCounts() }
        caches.profileCounts.store(userID, counts, bytes: ProfileCounts.cacheBytes, generation: generation)
        return counts
    }

    /// A user's counts in one statement: their own `user_counts` row and the sum of their
    /// follower shards (at most `Counters.shardCount` rows), both through primary keys, so a
    /// celebrity's profile costs what anyone's does. Nil when there is no such user.
    private static func read(userID: Int64, on db: any SQLDatabase) async throws -> ProfileCounts? {
        let shelfColumns = DefaultShelf.allCases.map { "COALESCE(uc.\(Counters.userColumn($0)), 0) AS \(Counters.userColumn($0))" }
        // Each default shelf's privacy through shelves_user_identifier, one probe apiece.
        let privacyColumns = DefaultShelf.allCases.map { shelf in
            "(SELECT sh.privacy FROM shelves sh WHERE sh.user_id = u.id AND sh.identifier = '\(shelf.rawValue)') AS \(Counters.userColumn(shelf))_privacy"
        }
        guard let row = try await db.raw("""
            SELECT COALESCE(uc.following, 0) AS following, COALESCE(uc.statuses, 0) AS statuses,
              COALESCE(uc.statuses_public, 0) AS statuses_public, COALESCE(uc.statuses_followers, 0) AS statuses_followers,
              \(unsafeRaw: shelfColumns.joined(separator: ", ")), \(unsafeRaw: privacyColumns.joined(separator: ", ")),
              (SELECT CAST(COALESCE(SUM(sc.followers), 0) AS BIGINT) FROM user_shard_counts sc WHERE sc.user_id = \(bind: userID)) AS followers
            FROM users u LEFT JOIN user_counts uc ON uc.user_id = u.id WHERE u.id = \(bind: userID)
            """).first()
        else { return nil }
        var counts = ProfileCounts()
        counts.followers = try row.decode(column: "followers", as: Int64.self)
        counts.following = try row.decode(column: "following", as: Int64.self)
        counts.statuses = try row.decode(column: "statuses", as: Int64.self)
        counts.statusesPublic = try row.decode(column: "statuses_public", as: Int64.self)
        counts.statusesFollowers = try row.decode(column: "statuses_followers", as: Int64.self)
        for shelf in DefaultShelf.allCases {
            counts.books[shelf] = try row.decode(column: Counters.userColumn(shelf), as: Int64.self)
            counts.shelfPrivacy[shelf] = try row.decode(column: "\(Counters.userColumn(shelf))_privacy", as: String?.self)
        }
        return counts
    }
}
