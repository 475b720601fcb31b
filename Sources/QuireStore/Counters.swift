import QuireCore
import SQLKit

/// Counter rows (lesson 4): displayed counts live here, changed in the same transaction as the
/// write they count, only ever by `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta`, never by
/// reading a count and writing it back, and never computed with COUNT when read.
///
/// LOCK ORDER. Every transaction that touches counter rows takes them in this order, so two
/// transactions never wait on each other in a cycle (PostgreSQL; SQLite has one writer anyway):
///   1. user_counts            (one row per user, changed only by that user's own acts; shelving
///                              also locks it first, to serialise one user's moves between
///                              default shelves; ascending user_id when several, as a block does)
///   2. user_shard_counts      (followers and unread notifications: rows other users change,
///                              ascending (user_id, shard))
///   3. shelf_counts           (ascending shelf_id when several)
///   4. user_work_shelvings    (ascending work_id when several)
///   5. work_counts            (ascending work_id when several)
///   6. status_counts          (likes, boosts, replies; ascending (status_id, shard))
///
/// HOT ROWS. A row that many users change at once (a celebrity's followers, a popular status's
/// likes) is split into `shardCount` rows keyed by the acting user's id, and the shards are summed
/// when read (at most `shardCount` rows, through the primary key). Two users liking one status
/// then wait on each other only when they land on the same shard; a user's own acts always land
/// on the same one, so one user's like and unlike still serialise.
public enum Counters {
    /// Shards per hot counter. Measured (README, hot rows): 8 lets 64 concurrent likers of one
    /// status on PostgreSQL commit without a convoy on one row lock.
    public static let shardCount: Int64 = 8

    static func shard(_ actorID: Int64) -> Int64 { actorID % shardCount }

    /// The `user_counts` columns a user's own acts change.
    enum UserColumn: String {
        case following, statuses
        /// The public and unlisted ones among `statuses`, and the followers-only ones: what a
        /// stranger and a follower may see (M007).
        case statusesPublic = "statuses_public", statusesFollowers = "statuses_followers"
    }

    /// The `user_counts` column that counts a status of `privacy` for its audience, beside the
    /// total; direct statuses are in the total alone.
    static func audienceColumn(_ privacy: String) -> UserColumn? {
        switch StatusPrivacy(rawValue: privacy) {
        case .public, .unlisted: .statusesPublic
        case .followers: .statusesFollowers
        case .direct, nil: nil
        }
    }

    /// Whether a status of `privacy` counts where everyone sees the count (a status's replies, a
    /// work's reviews and ratings): only what anyone may read, so no count tells a viewer of a
    /// status they can't see.
    static func countsForEveryone(_ privacy: String) -> Bool {
        StatusPrivacy(rawValue: privacy)?.isBoostable == true
    }

    /// Step 1: adds `delta` to one of the user's own counts.
    static func addUser(_ userID: Int64, _ column: UserColumn, _ delta: Int64, on db: any SQLDatabase) async throws {
        var moved = ProfileCounts()
        switch column {
        case .following: moved.following = delta
        case .statuses: moved.statuses = delta
        case .statusesPublic: moved.statusesPublic = delta
        case .statusesFollowers: moved.statusesFollowers = delta
        }
        db.changed(profileOf: userID, by: moved)
        try await db.raw("""
            INSERT INTO user_counts (user_id, \(unsafeRaw: column.rawValue)) VALUES (\(bind: userID), \(bind: delta))
            ON CONFLICT (user_id) DO UPDATE SET \(unsafeRaw: column.rawValue) = user_counts.\(unsafeRaw: column.rawValue) + excluded.\(unsafeRaw: column.rawValue)
            """).run()
    }

    /// The sharded `user_shard_counts` columns.
    enum UserShardColumn: String {
        case followers
        case unreadNotifications = "unread_notifications"
    }

    /// A user's sharded count: the sum of at most `shardCount` rows through the primary key,
    /// never a COUNT.
    static func userShardTotal(_ column: UserShardColumn, of userID: Int64, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            SELECT CAST(COALESCE(SUM(\(unsafeRaw: column.rawValue)), 0) AS BIGINT) AS n FROM user_shard_counts WHERE user_id = \(bind: userID)
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
    }

    /// Step 2: moves a user's follower and unread-notification counts, on the acting user's shard.
    static func addUserShard(_ userID: Int64, shard: Int64, followers: Int64, unread: Int64, on db: any SQLDatabase) async throws {
        // The profile shows followers, not the unread notifications a like or a reply moves.
        if followers != 0 {
            var moved = ProfileCounts()
            moved.followers = followers
            db.changed(profileOf: userID, by: moved)
        }
        try await db.raw("""
            INSERT INTO user_shard_counts (user_id, shard, followers, unread_notifications)
            VALUES (\(bind: userID), \(bind: shard), \(bind: followers), \(bind: unread))
            ON CONFLICT (user_id, shard) DO UPDATE SET followers = user_shard_counts.followers + excluded.followers,
                unread_notifications = user_shard_counts.unread_notifications + excluded.unread_notifications
            """).run()
    }

    /// Step 5: reviews and ratings (in half stars) arriving at or leaving a work.
    static func addWorkReviews(_ workID: Int64, reviews: Int64, ratings: Int64, sum: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO work_counts (work_id, reviews, ratings_count, rating_sum) VALUES (\(bind: workID), \(bind: reviews), \(bind: ratings), \(bind: sum))
            ON CONFLICT (work_id) DO UPDATE SET reviews = work_counts.reviews + excluded.reviews,
                ratings_count = work_counts.ratings_count + excluded.ratings_count, rating_sum = work_counts.rating_sum + excluded.rating_sum
            """).run()
    }

    /// Step 5 for many works at once, in the order given (ascending work ids).
    static func addWorkReviews(_ works: [(workID: Int64, reviews: Int64, ratings: Int64, sum: Int64)], on db: any SQLDatabase) async throws {
        let values = SQLQueryString.valueRows(works.map { [$0.workID, $0.reviews, $0.ratings, $0.sum] })
        try await db.raw("""
            INSERT INTO work_counts (work_id, reviews, ratings_count, rating_sum) VALUES \(values)
            ON CONFLICT (work_id) DO UPDATE SET reviews = work_counts.reviews + excluded.reviews,
                ratings_count = work_counts.ratings_count + excluded.ratings_count, rating_sum = work_counts.rating_sum + excluded.rating_sum
            """).run()
    }

    /// Steps 3 and 4 for many works at once (shelvings only arriving): counts `n` more shelvings
    /// of each work by the user, and one more shelved user for each work that had none of theirs.
    /// Two statements, their rows in ascending work order.
    static func addWorkShelvings(_ userID: Int64, _ works: [(workID: Int64, n: Int64)], on db: any SQLDatabase) async throws {
        guard !works.isEmpty else { return }
        let values = SQLQueryString.valueRows(works.map { [userID, $0.workID, $0.n] })
        let rows = try await db.raw("""
            INSERT INTO user_work_shelvings (user_id, work_id, n) VALUES \(values)
            ON CONFLICT (user_id, work_id) DO UPDATE SET n = user_work_shelvings.n + excluded.n
            RETURNING work_id, n
            """).all()
        let added = Dictionary(works.map { ($0.workID, $0.n) }, uniquingKeysWith: +)
        var firsts: [Int64] = []
        for row in rows {
            let work = try row.decode(column: "work_id", as: Int64.self)
            // n equal to what this call added: the user had no shelving of the work before.
            if try row.decode(column: "n", as: Int64.self) == added[work] { firsts.append(work) }
        }
        guard !firsts.isEmpty else { return }
        let users = SQLQueryString.valueRows(firsts.sorted().map { [$0, Int64(1)] })
        try await db.raw("""
            INSERT INTO work_counts (work_id, shelved_users) VALUES \(users)
            ON CONFLICT (work_id) DO UPDATE SET shelved_users = work_counts.shelved_users + excluded.shelved_users
            """).run()
    }

    /// Step 6: moves a status's like, boost and reply counts, on the acting user's shard.
    static func addStatus(_ statusID: Int64, shard: Int64, likes: Int64, boosts: Int64, replies: Int64, on db: any SQLDatabase) async throws {
        var moved = StatusCounts()
        (moved.likes, moved.boosts, moved.replies) = (likes, boosts, replies)
        db.changed(countsOf: statusID, by: moved)
        try await db.raw("""
            INSERT INTO status_counts (status_id, shard, likes, boosts, replies)
            VALUES (\(bind: statusID), \(bind: shard), \(bind: likes), \(bind: boosts), \(bind: replies))
            ON CONFLICT (status_id, shard) DO UPDATE SET likes = status_counts.likes + excluded.likes,
                boosts = status_counts.boosts + excluded.boosts, replies = status_counts.replies + excluded.replies
            """).run()
    }

    /// The `user_counts` column counting a user's books on a default shelf.
    static func userColumn(_ shelf: DefaultShelf) -> String {
        switch shelf {
        case .toRead: "books_to_read"
        case .reading: "books_reading"
        case .read: "books_read"
        case .stoppedReading: "books_stopped_reading"
        }
    }

    /// Step 1: locks the user's counter row for the rest of the transaction (PostgreSQL).
    static func lockUser(_ userID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO user_counts (user_id) VALUES (\(bind: userID)) ON CONFLICT (user_id) DO NOTHING
            """).run()
        if db.isPostgres {
            try await db.raw("SELECT user_id FROM user_counts WHERE user_id = \(bind: userID) FOR UPDATE").run()
        }
    }

    /// Step 1: adds `delta` to the user's count of books on `shelf`.
    static func addUserBooks(_ userID: Int64, _ shelf: DefaultShelf, _ delta: Int64, on db: any SQLDatabase) async throws {
        let column = userColumn(shelf)
        var moved = ProfileCounts()
        moved.books[shelf] = delta
        db.changed(profileOf: userID, by: moved)
        try await db.raw("""
            INSERT INTO user_counts (user_id, \(unsafeRaw: column)) VALUES (\(bind: userID), \(bind: delta))
            ON CONFLICT (user_id) DO UPDATE SET \(unsafeRaw: column) = user_counts.\(unsafeRaw: column) + excluded.\(unsafeRaw: column)
            """).run()
    }

    /// Step 2: adds `delta` to a shelf's book count.
    static func addShelfBooks(_ shelfID: Int64, _ delta: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO shelf_counts (shelf_id, books) VALUES (\(bind: shelfID), \(bind: delta))
            ON CONFLICT (shelf_id) DO UPDATE SET books = shelf_counts.books + excluded.books
            """).run()
    }

    /// Steps 3 and 4: counts one more or one fewer shelving of `workID` by the user, and moves the
    /// work's `shelved_users` only when the user's first shelving arrives or their last one goes.
    static func addWorkShelving(_ userID: Int64, _ workID: Int64, _ delta: Int64, on db: any SQLDatabase) async throws {
        let row = try await db.raw("""
            INSERT INTO user_work_shelvings (user_id, work_id, n) VALUES (\(bind: userID), \(bind: workID), \(bind: delta))
            ON CONFLICT (user_id, work_id) DO UPDATE SET n = user_work_shelvings.n + excluded.n
            RETURNING n
            """).first()
        let n = try row?.decode(column: "n", as: Int64.self) ?? 0
        let usersDelta: Int64
        switch (delta > 0, n) {
        case (true, 1): usersDelta = 1
        case (false, 0): usersDelta = -1
        default: usersDelta = 0
        }
        if n <= 0 {
            try await db.raw("DELETE FROM user_work_shelvings WHERE user_id = \(bind: userID) AND work_id = \(bind: workID)").run()
        }
        if usersDelta != 0 {
            try await db.raw("""
                INSERT INTO work_counts (work_id, shelved_users) VALUES (\(bind: workID), \(bind: usersDelta))
                ON CONFLICT (work_id) DO UPDATE SET shelved_users = work_counts.shelved_users + excluded.shelved_users
                """).run()
        }
    }
}

extension SQLDatabase {
    /// Where the two dialects differ, the one query function that needs it switches on this.
    var isPostgres: Bool { dialect.name == "postgresql" }
}
