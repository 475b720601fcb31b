/// Shelves, the books on them, read-throughs, and the counter rows that keep their displayed
/// counts (lesson 4: counts are never computed with COUNT when read).
let m004CreateShelves = Migration(version: 4, name: "create shelves and counters") { engine in
    [
        """
        CREATE TABLE shelves (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            identifier TEXT NOT NULL,
            name TEXT NOT NULL,
            privacy TEXT NOT NULL,
            is_default \(engine.booleanType) NOT NULL,
            created_at BIGINT NOT NULL
        )
        """,
        // A user's shelves, listed in id order, and a shelf found by its identifier.
        "CREATE UNIQUE INDEX shelves_user_identifier ON shelves (user_id, identifier)",
        "CREATE INDEX shelves_user ON shelves (user_id, id)",
        """
        CREATE TABLE shelf_books (
            id \(engine.idColumn),
            shelf_id BIGINT NOT NULL REFERENCES shelves (id) ON DELETE CASCADE,
            edition_id BIGINT NOT NULL REFERENCES editions (id),
            user_id BIGINT NOT NULL,
            work_id BIGINT NOT NULL,
            shelved_at BIGINT NOT NULL
        )
        """,
        // A shelf's books newest first (id grows with time), keyset-paginated on id.
        "CREATE UNIQUE INDEX shelf_books_shelf ON shelf_books (shelf_id, id)",
        "CREATE UNIQUE INDEX shelf_books_shelf_edition ON shelf_books (shelf_id, edition_id)",
        // Where a user has an edition: moving it between default shelves, and exports.
        "CREATE INDEX shelf_books_user_edition ON shelf_books (user_id, edition_id)",
        // Who shelved a work, for the recount of work_counts.shelved_users.
        "CREATE INDEX shelf_books_work_user ON shelf_books (work_id, user_id)",
        // For the foreign key to editions, checked when an edition changes or goes.
        "CREATE INDEX shelf_books_edition ON shelf_books (edition_id)",
        """
        CREATE TABLE readthroughs (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            edition_id BIGINT NOT NULL REFERENCES editions (id),
            started_on TEXT,
            finished_on TEXT,
            stopped_on TEXT,
            progress INTEGER,
            progress_mode TEXT NOT NULL DEFAULT 'pages',
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX readthroughs_user_edition ON readthroughs (user_id, edition_id, id)",
        "CREATE INDEX readthroughs_edition ON readthroughs (edition_id)",
        // Counter rows. Each is written only by upserts of the form n = n + delta.
        """
        CREATE TABLE user_counts (
            user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            books_to_read BIGINT NOT NULL DEFAULT 0,
            books_reading BIGINT NOT NULL DEFAULT 0,
            books_read BIGINT NOT NULL DEFAULT 0,
            books_stopped_reading BIGINT NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE shelf_counts (
            shelf_id BIGINT PRIMARY KEY REFERENCES shelves (id) ON DELETE CASCADE,
            books BIGINT NOT NULL DEFAULT 0
        )
        """,
        // How many of a user's shelvings point at a work: a work's shelved_users changes only when
        // this goes from 0 to 1 or from 1 to 0, so it counts users, not shelvings.
        """
        CREATE TABLE user_work_shelvings (
            user_id BIGINT NOT NULL,
            work_id BIGINT NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (user_id, work_id)
        )
        """,
        """
        CREATE TABLE work_counts (
            work_id BIGINT PRIMARY KEY REFERENCES works (id) ON DELETE CASCADE,
            shelved_users BIGINT NOT NULL DEFAULT 0,
            ratings_count BIGINT NOT NULL DEFAULT 0,
            rating_sum BIGINT NOT NULL DEFAULT 0, -- in half stars, so it stays an integer
            reviews BIGINT NOT NULL DEFAULT 0
        )
        """,
    ]
}
