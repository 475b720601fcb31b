/// The nightly catalog jobs' tables (issue 15): per-work and per-author statistics, each work's
/// "readers also shelved" list, and the cursor a long job resumes from after a crash.
///
/// Statistics are written by `catalog.stats` in keyset batches and read by primary key, never
/// counted when read. A rating histogram is ten columns (half stars 1...10), so a batch writes it
/// with one upsert and a read needs no parsing. `work_similar` holds at most ten rows a work,
/// ranked when computed (most shared readers first, ties by the lower work id), so the API reads
/// them in rank order through the primary key.
///
/// Version 11: 10 is taken by another change made at the same time (imports); versions need only
/// be unique, and the migrator applies whichever are missing in version order.
let m011CreateCatalogStats = Migration(version: 11, name: "create catalog stats") { engine in
    let histogram = (1...10).map { "rating_\($0) BIGINT NOT NULL DEFAULT 0" }.joined(separator: ",\n    ")
    return [
        """
        CREATE TABLE work_stats (
            work_id BIGINT PRIMARY KEY REFERENCES works (id) ON DELETE CASCADE,
            readers BIGINT NOT NULL,
            to_read BIGINT NOT NULL,
            reading BIGINT NOT NULL,
            read BIGINT NOT NULL,
            stopped_reading BIGINT NOT NULL,
            ratings_count BIGINT NOT NULL,
            rating_sum BIGINT NOT NULL, -- half stars, so it stays an integer
            \(histogram),
            computed_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE author_stats (
            author_id BIGINT PRIMARY KEY REFERENCES authors (id) ON DELETE CASCADE,
            works BIGINT NOT NULL,
            editions BIGINT NOT NULL,
            readers BIGINT NOT NULL,
            ratings_count BIGINT NOT NULL,
            rating_sum BIGINT NOT NULL,
            computed_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE work_similar (
            work_id BIGINT NOT NULL REFERENCES works (id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            similar_work_id BIGINT NOT NULL REFERENCES works (id) ON DELETE CASCADE,
            shared_readers BIGINT NOT NULL,
            computed_at BIGINT NOT NULL,
            PRIMARY KEY (work_id, rank)
        )
        """,
        // Deleting a work checks the references to it from the similar side too.
        "CREATE INDEX work_similar_similar ON work_similar (similar_work_id)",
        // Where a batch job of each kind got to: written in the transaction of the batch it
        // follows, so a retried attempt of the same job goes on from the last committed batch.
        """
        CREATE TABLE job_cursors (
            kind TEXT PRIMARY KEY,
            job_id BIGINT NOT NULL,
            phase TEXT NOT NULL,
            after_id BIGINT NOT NULL,
            done BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
    ]
}
