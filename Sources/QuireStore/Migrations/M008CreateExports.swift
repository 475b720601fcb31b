/// Account exports (issue 13). An export row is made with its job in one transaction; the job
/// fills in the file. `file_name` is set only once the whole file is in place, so a half-written
/// file is never listed or served; the prune job clears it again when the file expires.
///
/// `statuses_user_edition` lets an export walk a reader's reviews, comments and quotations by
/// edition (the keyset the export's batches follow) without sorting all the reader's statuses
/// for each batch; it holds only statuses about a book.
let m008CreateExports = Migration(version: 8, name: "create exports") { engine in
    [
        """
        CREATE TABLE exports (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            job_id BIGINT NOT NULL,
            file_name TEXT,
            size BIGINT,
            books BIGINT,
            created_at BIGINT NOT NULL,
            finished_at BIGINT,
            expires_at BIGINT,
            expired_at BIGINT
        )
        """,
        "CREATE INDEX exports_user ON exports (user_id, id)",
        "CREATE INDEX exports_expiry ON exports (expires_at) WHERE file_name IS NOT NULL",
        "CREATE INDEX statuses_user_edition ON statuses (user_id, edition_id) WHERE edition_id IS NOT NULL",
    ]
}
