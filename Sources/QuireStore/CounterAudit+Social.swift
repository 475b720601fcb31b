import QuireCore
import SQLKit

/// The social layer's counters (`quire counters check|repair` covers them with the rest).
extension CounterFamily {
    static let social: [CounterFamily] = [
        userColumn("following", actual: "SELECT follower_id AS user_id, count(*) AS n FROM follows WHERE follower_id IN (KEYS) GROUP BY follower_id"),
        userColumn("statuses", actual: """
            SELECT user_id, count(*) AS n FROM statuses WHERE user_id IN (KEYS) AND deleted_at IS NULL AND kind <> 'boost' GROUP BY user_id
            """),
        userColumn("statuses_public", actual: """
            SELECT user_id, count(*) AS n FROM statuses WHERE user_id IN (KEYS) AND deleted_at IS NULL AND kind <> 'boost'
            AND privacy IN ('public', 'unlisted') GROUP BY user_id
            """),
        userColumn("statuses_followers", actual: """
            SELECT user_id, count(*) AS n FROM statuses WHERE user_id IN (KEYS) AND deleted_at IS NULL AND kind <> 'boost'
            AND privacy = 'followers' GROUP BY user_id
            """),
        sharded(table: "user_shard_counts", key: "user_id", column: "followers", ownerTable: "users",
                actual: "SELECT followee_id AS k, count(*) AS n FROM follows WHERE followee_id IN (KEYS) GROUP BY followee_id"),
        sharded(table: "user_shard_counts", key: "user_id", column: "unread_notifications", ownerTable: "users",
                actual: "SELECT user_id AS k, count(*) AS n FROM notifications WHERE user_id IN (KEYS) AND read_at IS NULL GROUP BY user_id"),
        sharded(table: "status_counts", key: "status_id", column: "likes", ownerTable: "statuses",
                actual: "SELECT status_id AS k, count(*) AS n FROM likes WHERE status_id IN (KEYS) GROUP BY status_id"),
        sharded(table: "status_counts", key: "status_id", column: "boosts", ownerTable: "statuses",
                actual: "SELECT boost_of_id AS k, count(*) AS n FROM statuses WHERE boost_of_id IN (KEYS) GROUP BY boost_of_id"),
        sharded(table: "status_counts", key: "status_id", column: "replies", ownerTable: "statuses",
                actual: """
                    SELECT in_reply_to_id AS k, count(*) AS n FROM statuses WHERE in_reply_to_id IN (KEYS) AND deleted_at IS NULL
                    AND privacy IN ('public', 'unlisted') GROUP BY in_reply_to_id
                    """),
        workColumn("reviews", actual: "count(*)"),
        workColumn("ratings_count", actual: "count(rating)"),
        workColumn("rating_sum", actual: "COALESCE(sum(rating), 0)"),
    ]

    /// `KEYS` in a recount query stands for the batch's bound keys.
    static func query(_ text: String, keys: [Int64]) -> SQLQueryString {
        let parts = text.components(separatedBy: "KEYS")
        var query = SQLQueryString(parts[0])
        for part in parts.dropFirst() {
            query.appendInterpolation(binds: keys)
            query.appendLiteral(part)
        }
        return query
    }

    static func userColumn(_ column: String, actual: String) -> CounterFamily {
        CounterFamily(
            name: "user_counts.\(column)", ownerTable: "users",
            lock: { keys, db in try await db.raw("SELECT user_id FROM user_counts WHERE user_id IN (\(binds: keys)) ORDER BY user_id FOR UPDATE").run() },
            stored: { keys, db in
                try await rows(db, "SELECT user_id, \(unsafeRaw: column) AS n FROM user_counts WHERE user_id IN (\(binds: keys)) AND \(unsafeRaw: column) <> 0",
                               keys: ["user_id"])
            },
            actual: { keys, db in try await rows(db, query(actual, keys: keys), keys: ["user_id"]) },
            repair: { drift, db in
                try await db.raw("""
                    INSERT INTO user_counts (user_id, \(unsafeRaw: column)) VALUES (\(bind: drift.key[0]), \(bind: drift.actual))
                    ON CONFLICT (user_id) DO UPDATE SET \(unsafeRaw: column) = excluded.\(unsafeRaw: column)
                    """).run()
            })
    }

    /// A sharded counter: stored is the sum of the shards; repair puts the whole count on shard 0
    /// and zeroes the others, which keeps the sum exact for deltas that land afterwards.
    static func sharded(table: String, key: String, column: String, ownerTable: String, actual: String) -> CounterFamily {
        CounterFamily(
            name: "\(table).\(column)", ownerTable: ownerTable,
            lock: { keys, db in
                try await db.raw("SELECT \(unsafeRaw: key) FROM \(unsafeRaw: table) WHERE \(unsafeRaw: key) IN (\(binds: keys)) ORDER BY \(unsafeRaw: key), shard FOR UPDATE").run()
            },
            stored: { keys, db in
                try await rows(db, """
                    SELECT \(unsafeRaw: key) AS k, CAST(SUM(\(unsafeRaw: column)) AS BIGINT) AS n FROM \(unsafeRaw: table)
                    WHERE \(unsafeRaw: key) IN (\(binds: keys)) GROUP BY \(unsafeRaw: key) HAVING SUM(\(unsafeRaw: column)) <> 0
                    """, keys: ["k"])
            },
            actual: { keys, db in try await rows(db, query(actual, keys: keys), keys: ["k"]) },
            repair: { drift, db in
                try await db.raw("UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = 0 WHERE \(unsafeRaw: key) = \(bind: drift.key[0])").run()
                try await db.raw("""
                    INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: key), shard, \(unsafeRaw: column)) VALUES (\(bind: drift.key[0]), 0, \(bind: drift.actual))
                    ON CONFLICT (\(unsafeRaw: key), shard) DO UPDATE SET \(unsafeRaw: column) = excluded.\(unsafeRaw: column)
                    """).run()
            })
    }

    static func workColumn(_ column: String, actual: String) -> CounterFamily {
        CounterFamily(
            name: "work_counts.\(column)", ownerTable: "works",
            lock: { keys, db in try await db.raw("SELECT work_id FROM work_counts WHERE work_id IN (\(binds: keys)) ORDER BY work_id FOR UPDATE").run() },
            stored: { keys, db in
                try await rows(db, "SELECT work_id, \(unsafeRaw: column) AS n FROM work_counts WHERE work_id IN (\(binds: keys)) AND \(unsafeRaw: column) <> 0",
                               keys: ["work_id"])
            },
            actual: { keys, db in
                try await rows(db, """
                    SELECT work_id, CAST(\(unsafeRaw: actual) AS BIGINT) AS n FROM statuses
                    WHERE work_id IN (\(binds: keys)) AND kind = 'review' AND deleted_at IS NULL AND privacy IN ('public', 'unlisted')
                    GROUP BY work_id
                    """, keys: ["work_id"])
            },
            repair: { drift, db in
                try await db.raw("""
                    INSERT INTO work_counts (work_id, \(unsafeRaw: column)) VALUES (\(bind: drift.key[0]), \(bind: drift.actual))
                    ON CONFLICT (work_id) DO UPDATE SET \(unsafeRaw: column) = excluded.\(unsafeRaw: column)
                    """).run()
            })
    }
}
