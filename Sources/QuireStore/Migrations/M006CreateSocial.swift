/// The social layer: statuses (boosts are statuses too, so one id sequence orders every timeline),
/// mentions, follows and follow requests, blocks, likes, notifications, materialised home
/// timelines, and the counter rows behind every displayed count (lesson 4).
let m006CreateSocial = Migration(version: 6, name: "create statuses, follows, likes, timelines") { engine in
    // Edge tables keyed by their two ids are clustered on that key on SQLite too.
    let withoutRowID = engine == .sqlite ? " WITHOUT ROWID" : ""
    return [
        """
        CREATE TABLE statuses (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            edition_id BIGINT REFERENCES editions (id),
            work_id BIGINT,
            title TEXT,
            body TEXT NOT NULL DEFAULT '',
            rating INTEGER, -- half stars 1...10
            quote TEXT,
            position TEXT,
            progress INTEGER,
            content_warning TEXT,
            privacy TEXT NOT NULL,
            in_reply_to_id BIGINT,
            thread_id BIGINT,
            boost_of_id BIGINT,
            created_at BIGINT NOT NULL,
            edited_at BIGINT,
            deleted_at BIGINT
        )
        """,
    ] + SocialIndexes.statuses.map(\.create) + [
        """
        CREATE TABLE status_mentions (
            status_id BIGINT NOT NULL,
            user_id BIGINT NOT NULL,
            PRIMARY KEY (status_id, user_id)
        )\(withoutRowID)
        """,
        """
        CREATE TABLE follows (
            follower_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            followee_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (follower_id, followee_id)
        )\(withoutRowID)
        """,
        // A user's followers, for fan-out and the followers recount.
        "CREATE INDEX follows_followee ON follows (followee_id, follower_id)",
        """
        CREATE TABLE follow_requests (
            id \(engine.idColumn),
            requester_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            target_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX follow_requests_pair ON follow_requests (requester_id, target_id)",
        "CREATE INDEX follow_requests_target ON follow_requests (target_id, id)",
        """
        CREATE TABLE blocks (
            blocker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            blocked_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (blocker_id, blocked_id)
        )\(withoutRowID)
        """,
        "CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id)",
        """
        CREATE TABLE likes (
            status_id BIGINT NOT NULL,
            user_id BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (status_id, user_id)
        )\(withoutRowID)
        """,
        """
        CREATE TABLE notifications (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            actor_id BIGINT NOT NULL,
            status_id BIGINT NOT NULL DEFAULT 0, -- 0: about no status (a follow)
            created_at BIGINT NOT NULL,
            read_at BIGINT
        )
        """,
        // A user's notifications newest first; the same like or follow notifies once.
        "CREATE INDEX notifications_user ON notifications (user_id, id)",
        "CREATE UNIQUE INDEX notifications_once ON notifications (user_id, kind, actor_id, status_id)",
        // Marking read touches only unread rows, however many read ones a user has.
        "CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL",
        // Materialised home timelines: one row per reader and status (or boost) for authors with
        // up to the fan-out limit of followers. See HomeTimelineQueries for the design.
        """
        CREATE TABLE home_entries (
            user_id BIGINT NOT NULL,
            status_id BIGINT NOT NULL,
            author_id BIGINT NOT NULL,
            PRIMARY KEY (user_id, status_id)
        )\(withoutRowID)
        """,
    ] + SocialIndexes.homeEntries.map(\.create) + [
        "CREATE TABLE broadcasters (user_id BIGINT PRIMARY KEY, since BIGINT NOT NULL)",
        // Counters a user changes by acting: their own row, never contended by others.
        "ALTER TABLE user_counts ADD COLUMN following BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE user_counts ADD COLUMN statuses BIGINT NOT NULL DEFAULT 0",
        // Counters others change: sharded by the acting user, summed on read, so a celebrity's
        // followers or notifications arriving at once don't queue behind one row lock.
        """
        CREATE TABLE user_shard_counts (
            user_id BIGINT NOT NULL,
            shard INTEGER NOT NULL,
            followers BIGINT NOT NULL DEFAULT 0,
            unread_notifications BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, shard)
        )\(withoutRowID)
        """,
        """
        CREATE TABLE status_counts (
            status_id BIGINT NOT NULL,
            shard INTEGER NOT NULL,
            likes BIGINT NOT NULL DEFAULT 0,
            boosts BIGINT NOT NULL DEFAULT 0,
            replies BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (status_id, shard)
        )\(withoutRowID)
        """,
    ]
}

/// Secondary indexes of the big social tables, named here once so the seed can drop them while
/// it bulk-loads and build them again after (a sorted build beats millions of random inserts).
enum SocialIndexes {
    struct Index: Sendable {
        let name: String
        let create: String
    }

    static let statuses = [
        // A user's statuses newest first (profile timeline, broadcasters merged into homes).
        Index(name: "statuses_user", create: "CREATE INDEX statuses_user ON statuses (user_id, id)"),
        // A work's reviews newest first, across its editions.
        Index(name: "statuses_work_kind", create: "CREATE INDEX statuses_work_kind ON statuses (work_id, kind, id)"),
        // A thread in order, and a status's replies (for the replies recount).
        Index(name: "statuses_thread", create: "CREATE INDEX statuses_thread ON statuses (thread_id, id)"),
        Index(name: "statuses_reply", create: "CREATE INDEX statuses_reply ON statuses (in_reply_to_id)"),
        // One boost per user and status (idempotent boosts), and "did the viewer boost these".
        Index(name: "statuses_boost", create: "CREATE UNIQUE INDEX statuses_boost ON statuses (boost_of_id, user_id)"),
        Index(name: "statuses_edition", create: "CREATE INDEX statuses_edition ON statuses (edition_id)"),
    ]

    // Unfollow and block take an author's entries out of a reader's home.
    static let homeEntries = [
        Index(name: "home_entries_author", create: "CREATE INDEX home_entries_author ON home_entries (user_id, author_id)"),
    ]
}
