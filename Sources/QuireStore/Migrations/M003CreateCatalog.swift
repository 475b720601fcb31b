import SQLKit

/// Authors, works and editions. An edition belongs to a work; a work has authors in order.
/// `editions.author_names` repeats the work's author names so full-text search covers titles and
/// authors from one index: FTS5 (kept in step by triggers) on SQLite, a generated tsvector with a
/// GIN index on PostgreSQL.
let m003CreateCatalog = Migration(version: 3, name: "create catalog") { engine in
    var statements = [
        """
        CREATE TABLE authors (
            id \(engine.idColumn),
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            openlibrary_key TEXT,
            goodreads_key TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX authors_name_key ON authors (name_key, id)",
        """
        CREATE TABLE works (
            id \(engine.idColumn),
            title TEXT NOT NULL,
            openlibrary_key TEXT,
            created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE work_authors (
            work_id BIGINT NOT NULL REFERENCES works (id) ON DELETE CASCADE,
            author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (work_id, author_id)
        )
        """,
        "CREATE INDEX work_authors_author ON work_authors (author_id, work_id)",
        """
        CREATE TABLE editions (
            id \(engine.idColumn),
            work_id BIGINT NOT NULL REFERENCES works (id),
            title TEXT NOT NULL,
            subtitle TEXT,
            description TEXT,
            languages TEXT,
            pages INTEGER,
            publishers TEXT,
            published_date TEXT,
            physical_format TEXT,
            isbn_10 TEXT,
            isbn_13 TEXT,
            openlibrary_key TEXT,
            goodreads_key TEXT,
            author_names TEXT NOT NULL DEFAULT '',
            created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX editions_work ON editions (work_id, id)",
        "CREATE UNIQUE INDEX editions_isbn_13 ON editions (isbn_13)",
        "CREATE INDEX editions_goodreads_key ON editions (goodreads_key)",
        "CREATE INDEX editions_openlibrary_key ON editions (openlibrary_key)",
        // Foreign keys are checked from the referenced side too (deleting a user): index them.
        "CREATE INDEX editions_created_by ON editions (created_by)",
    ]
    switch engine {
    case .sqlite:
        statements += [
            """
            CREATE VIRTUAL TABLE editions_fts USING fts5(
                title, author_names, content='editions', content_rowid='id', tokenize='unicode61 remove_diacritics 2')
            """,
            CatalogSearchIndex.sqliteInsertTrigger,
            """
            CREATE TRIGGER editions_fts_delete AFTER DELETE ON editions BEGIN
                INSERT INTO editions_fts (editions_fts, rowid, title, author_names)
                VALUES ('delete', old.id, old.title || ' ' || coalesce(old.subtitle, ''), old.author_names);
            END
            """,
            """
            CREATE TRIGGER editions_fts_update AFTER UPDATE OF title, subtitle, author_names ON editions BEGIN
                INSERT INTO editions_fts (editions_fts, rowid, title, author_names)
                VALUES ('delete', old.id, old.title || ' ' || coalesce(old.subtitle, ''), old.author_names);
                INSERT INTO editions_fts (rowid, title, author_names)
                VALUES (new.id, new.title || ' ' || coalesce(new.subtitle, ''), new.author_names);
            END
            """,
        ]
    case .postgres:
        statements += [
            """
            ALTER TABLE editions ADD COLUMN search tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(subtitle, '')), 'A')
                || setweight(to_tsvector('simple', author_names), 'B')) STORED
            """,
            "CREATE INDEX editions_search ON editions USING GIN (search)",
        ]
    }
    return statements
}

/// SQLite's search index upkeep, shared by the migration and the seeder (which drops the insert
/// trigger while it loads and indexes its rows in one pass afterwards: FTS5 takes a million rows
/// in seconds that way, against most of a minute one trigger call at a time).
enum CatalogSearchIndex {
    static let sqliteInsertTrigger = """
        CREATE TRIGGER editions_fts_insert AFTER INSERT ON editions BEGIN
            INSERT INTO editions_fts (rowid, title, author_names)
            VALUES (new.id, new.title || ' ' || coalesce(new.subtitle, ''), new.author_names);
        END
        """

    /// Indexes the editions with ids above `afterID`, as the trigger would have.
    static func sqliteIndex(after afterID: Int64) -> SQLQueryString {
        """
        INSERT INTO editions_fts (rowid, title, author_names)
        SELECT id, title || ' ' || coalesce(subtitle, ''), author_names FROM editions WHERE id > \(bind: afterID)
        """
    }
}
