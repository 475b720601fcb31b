/// The durable job queue, in Quire's own database (no other server). Partial indexes keep each
/// worker query on just the rows it is about: ready jobs for claiming, running jobs for the
/// rescuer, finished jobs for pruning, active jobs for unique keys.
let m005CreateJobs = Migration(version: 5, name: "create jobs") { engine in
    let active = "state IN ('queued', 'scheduled', 'failed', 'running')"
    return [
        """
        CREATE TABLE jobs (
            id \(engine.idColumn),
            kind TEXT NOT NULL,
            args TEXT NOT NULL,
            state TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            run_after BIGINT NOT NULL,
            progress_done BIGINT,
            progress_total BIGINT,
            progress_message TEXT,
            result TEXT,
            last_error TEXT,
            unique_key TEXT,
            owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
            worker TEXT,
            heartbeat_at BIGINT,
            cancel_requested \(engine.booleanType) NOT NULL DEFAULT \(engine == .sqlite ? "0" : "FALSE"),
            created_at BIGINT NOT NULL,
            started_at BIGINT,
            finished_at BIGINT,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX jobs_ready ON jobs (priority DESC, run_after, id) WHERE state IN ('queued', 'scheduled', 'failed')",
        "CREATE INDEX jobs_running ON jobs (worker, heartbeat_at) WHERE state = 'running'",
        "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('succeeded', 'cancelled', 'discarded')",
        "CREATE UNIQUE INDEX jobs_unique_active ON jobs (unique_key) WHERE unique_key IS NOT NULL AND \(active)",
        "CREATE INDEX jobs_owner ON jobs (owner_id, id)",
        "CREATE INDEX jobs_state ON jobs (state, id)",
        // One row per periodic job and period: whoever inserts it enqueues that period's run.
        """
        CREATE TABLE periodic_runs (
            name TEXT NOT NULL,
            period_start BIGINT NOT NULL,
            job_id BIGINT,
            PRIMARY KEY (name, period_start)
        )
        """,
    ]
}
