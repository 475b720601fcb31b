import QuireCore
import SQLKit

/// Home timelines and counters of the social seed, derived from its rows inside the database in
/// id ranges (one transaction each), through the same indexes the application uses.
extension Seeder {
    func deriveTimelinesAndCounters(_ layout: SocialLayout, progress: Progress) async throws -> Int {
        let (now, limit) = (Timestamp.microsecondsNow(), plan.fanoutLimit)
        let direct = StatusPrivacy.direct.rawValue
        // Broadcasters first: their statuses are merged on read, not copied (HomeTimelineQueries).
        try await write { db in
            try await db.raw("""
                INSERT INTO broadcasters (user_id, since)
                SELECT followee_id, \(bind: now) FROM follows WHERE followee_id > 0 GROUP BY followee_id HAVING count(*) > \(bind: limit)
                ON CONFLICT (user_id) DO NOTHING
                """).run()
        }
        let firstStatus = layout.statusID(0)
        let lastStatus = layout.statusID(plan.statuses + plan.boosts - 1)
        // Each author's own entries, then followers' entries reader by reader in primary-key
        // order, with the author index built after.
        _ = try await withoutIndexes(SocialIndexes.homeEntries) {
            try await insertRanges(from: firstStatus, through: lastStatus, rangeSize: 200_000, label: "own entries", progress: progress) { low, high in
                """
                INSERT INTO home_entries (user_id, status_id, author_id)
                SELECT user_id, id, user_id FROM statuses WHERE id BETWEEN \(bind: low) AND \(bind: high) ORDER BY user_id, id
                ON CONFLICT (user_id, status_id) DO NOTHING
                """
            }
            try await insertRanges(from: layout.user(0), through: layout.lastUserID, rangeSize: 2_000, label: "home entries", progress: progress) { low, high in
                """
                INSERT INTO home_entries (user_id, status_id, author_id)
                SELECT f.follower_id, s.id, s.user_id FROM follows f JOIN statuses s ON s.user_id = f.followee_id
                WHERE f.follower_id BETWEEN \(bind: low) AND \(bind: high) AND s.privacy <> \(bind: direct) AND s.deleted_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM broadcasters b WHERE b.user_id = f.followee_id)
                ORDER BY f.follower_id, s.id
                ON CONFLICT (user_id, status_id) DO NOTHING
                """
            }
            return 0
        }
        try await insertRanges(from: layout.user(0), through: layout.lastUserID, label: "user counts", progress: progress) { low, high in
            """
            INSERT INTO user_counts (user_id, following)
            SELECT follower_id, count(*) FROM follows WHERE follower_id BETWEEN \(bind: low) AND \(bind: high) GROUP BY follower_id
            ON CONFLICT (user_id) DO UPDATE SET following = excluded.following
            """
        }
        try await insertRanges(from: layout.user(0), through: layout.lastUserID, label: "user counts", progress: progress) { low, high in
            """
            INSERT INTO user_counts (user_id, statuses, statuses_public, statuses_followers)
            SELECT user_id, count(*), sum(CASE WHEN privacy IN ('public', 'unlisted') THEN 1 ELSE 0 END),
                   sum(CASE WHEN privacy = 'followers' THEN 1 ELSE 0 END)
            FROM statuses WHERE user_id BETWEEN \(bind: low) AND \(bind: high) AND kind <> 'boost' AND deleted_at IS NULL
            GROUP BY user_id
            ON CONFLICT (user_id) DO UPDATE SET statuses = excluded.statuses, statuses_public = excluded.statuses_public,
                statuses_followers = excluded.statuses_followers
            """
        }
        try await insertRanges(from: layout.user(0), through: layout.lastUserID, label: "follower counts", progress: progress) { low, high in
            """
            INSERT INTO user_shard_counts (user_id, shard, followers)
            SELECT followee_id, 0, count(*) FROM follows WHERE followee_id BETWEEN \(bind: low) AND \(bind: high) GROUP BY followee_id
            ON CONFLICT (user_id, shard) DO UPDATE SET followers = excluded.followers
            """
        }
        // Replies count only those anyone may read (M007).
        for (column, source, key, filter) in [("likes", "likes", "status_id", ""), ("boosts", "statuses", "boost_of_id", ""),
                                              ("replies", "statuses", "in_reply_to_id", "AND deleted_at IS NULL AND privacy IN ('public', 'unlisted')")] {
            try await insertRanges(from: firstStatus, through: lastStatus, rangeSize: 200_000, label: "status \(column)", progress: progress) { low, high in
                """
                INSERT INTO status_counts (status_id, shard, \(unsafeRaw: column))
                SELECT \(unsafeRaw: key), 0, count(*) FROM \(unsafeRaw: source) WHERE \(unsafeRaw: key) BETWEEN \(bind: low) AND \(bind: high)
                \(unsafeRaw: filter) GROUP BY \(unsafeRaw: key)
                ON CONFLICT (status_id, shard) DO UPDATE SET \(unsafeRaw: column) = excluded.\(unsafeRaw: column)
                """
            }
        }
        if let lastWork = layout.editionWorks.max() {
            try await insertRanges(from: layout.workBase + 1, through: layout.workBase + Int64(lastWork) + 1, rangeSize: 100_000,
                                   label: "work reviews", progress: progress) { low, high in
                """
                INSERT INTO work_counts (work_id, reviews, ratings_count, rating_sum)
                SELECT work_id, count(*), count(rating), COALESCE(sum(rating), 0) FROM statuses
                WHERE work_id BETWEEN \(bind: low) AND \(bind: high) AND kind = 'review' AND deleted_at IS NULL
                AND privacy IN ('public', 'unlisted') GROUP BY work_id
                ON CONFLICT (work_id) DO UPDATE SET reviews = excluded.reviews, ratings_count = excluded.ratings_count, rating_sum = excluded.rating_sum
                """
            }
        }
        return 0
    }
}
