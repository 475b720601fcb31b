/// Counts by audience, so no count shows a viewer what they may not see (issue 12, finding 9):
/// a profile's statuses are counted per privacy class (the owner sees every one, a follower the
/// public, unlisted and followers-only ones, anyone else the public and unlisted ones), and a
/// status's replies count only the replies anyone may read (public and unlisted). Both counts
/// are rebuilt here once from the statuses; from then on the writes keep them. A work's review
/// and rating counts, shown to everyone, likewise count only public and unlisted reviews.
let m007CountStatusesByAudience = Migration(version: 7, name: "count statuses by audience") { _ in
    let open = "('public', 'unlisted')"
    return [
        "ALTER TABLE user_counts ADD COLUMN statuses_public BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE user_counts ADD COLUMN statuses_followers BIGINT NOT NULL DEFAULT 0",
        """
        INSERT INTO user_counts (user_id, statuses_public, statuses_followers)
        SELECT user_id, sum(CASE WHEN privacy IN \(open) THEN 1 ELSE 0 END), sum(CASE WHEN privacy = 'followers' THEN 1 ELSE 0 END)
        FROM statuses WHERE deleted_at IS NULL AND kind <> 'boost' GROUP BY user_id
        ON CONFLICT (user_id) DO UPDATE SET statuses_public = excluded.statuses_public, statuses_followers = excluded.statuses_followers
        """,
        // The replies move onto shard 0 whole, as a counter repair puts them.
        "UPDATE status_counts SET replies = 0 WHERE replies <> 0",
        """
        INSERT INTO status_counts (status_id, shard, replies)
        SELECT in_reply_to_id, 0, count(*) FROM statuses
        WHERE in_reply_to_id IS NOT NULL AND deleted_at IS NULL AND privacy IN \(open) GROUP BY in_reply_to_id
        ON CONFLICT (status_id, shard) DO UPDATE SET replies = excluded.replies
        """,
        // A work's reviews and ratings: the public and unlisted reviews only.
        "UPDATE work_counts SET reviews = 0, ratings_count = 0, rating_sum = 0",
        """
        INSERT INTO work_counts (work_id, reviews, ratings_count, rating_sum)
        SELECT work_id, count(*), count(rating), COALESCE(sum(rating), 0) FROM statuses
        WHERE work_id IS NOT NULL AND kind = 'review' AND deleted_at IS NULL AND privacy IN \(open) GROUP BY work_id
        ON CONFLICT (work_id) DO UPDATE SET reviews = excluded.reviews, ratings_count = excluded.ratings_count, rating_sum = excluded.rating_sum
        """,
    ]
}
