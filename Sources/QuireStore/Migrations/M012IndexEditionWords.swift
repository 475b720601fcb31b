/// Search that stays as fast at a million editions as at ten thousand (issue 16): each edition's
/// whole words in id order, so a page of the editions matching whole words is read from the front
/// of an index and stops after the page, however many editions match.
///
/// SQLite needs nothing new: FTS5 already reads a whole word's editions in rowid order, lazily.
/// PostgreSQL's GIN index can only hand back every match at once (as a bitmap, then each row read
/// from the table), so `edition_words` holds each edition's words (the lexemes of its `search`
/// vector, so exactly what the GIN index matches), kept in step by triggers in the statement that
/// writes the edition: the seeder's multi-row inserts included, one trigger call a statement.
/// Without a foreign key: a deleted or edited edition's rows are found through its old lexemes and
/// the primary key, so the table needs no second index.
let m012IndexEditionWords = Migration(version: 12, name: "index edition words") { engine in
    switch engine {
    case .sqlite:
        return []
    case .postgres:
        return [
            """
            CREATE TABLE edition_words (
                word TEXT NOT NULL,
                edition_id BIGINT NOT NULL,
                PRIMARY KEY (word, edition_id)
            )
            """,
            "INSERT INTO edition_words (word, edition_id) SELECT w, e.id FROM editions e, unnest(tsvector_to_array(e.search)) w",
            """
            CREATE FUNCTION edition_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO edition_words (word, edition_id)
                SELECT w, n.id FROM new_editions n, unnest(tsvector_to_array(n.search)) w;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER edition_words_insert AFTER INSERT ON editions
            REFERENCING NEW TABLE AS new_editions FOR EACH STATEMENT EXECUTE FUNCTION edition_words_insert()
            """,
            """
            CREATE FUNCTION edition_words_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM edition_words WHERE word = ANY (tsvector_to_array(OLD.search)) AND edition_id = OLD.id;
                IF TG_OP = 'UPDATE' THEN
                    INSERT INTO edition_words (word, edition_id) SELECT w, NEW.id FROM unnest(tsvector_to_array(NEW.search)) w;
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER edition_words_update AFTER UPDATE ON editions
            FOR EACH ROW WHEN (OLD.search IS DISTINCT FROM NEW.search OR OLD.id <> NEW.id) EXECUTE FUNCTION edition_words_change()
            """,
            """
            CREATE TRIGGER edition_words_delete AFTER DELETE ON editions
            FOR EACH ROW EXECUTE FUNCTION edition_words_change()
            """,
        ]
    }
}
