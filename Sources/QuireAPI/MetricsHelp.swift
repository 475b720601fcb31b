/// HELP lines for Quire's metrics. swift-metrics carries no help text, so they are added to the
/// exposition at scrape time, before each family's TYPE line, as `promtool check metrics` asks.
enum MetricsHelp {
    static let text: [String: String] = [
        "quire_http_requests_total": "HTTP requests by route template, method and status.",
        "quire_http_request_duration_seconds": "HTTP request duration by route template and method.",
        "quire_http_request_statements": "SQL statements run by each request (its own, not batched work it hands on), by route template and method.",
        "quire_sql_statements_total": "SQL statements run, by kind.",
        "quire_sql_statement_duration_seconds": "SQL statement duration by kind.",
        "quire_db_connections_in_use": "Database connections lent out to statements.",
        "quire_db_connections_waiting": "Tasks waiting for a database connection.",
        "quire_process_resident_memory_bytes": "Resident memory of the process.",
        "quire_jobs_total": "Job state changes made by this process, by kind and the state entered (failed: a retry is scheduled).",
        "quire_job_duration_seconds": "How long job attempts ran, by kind, whatever their outcome.",
        "quire_job_pickup_latency_seconds": "Time from a job becoming ready (enqueued or due) to a worker claiming it, by kind.",
        "quire_jobs_queue_depth": "Jobs ready to run now, sampled by the job worker's maintenance loop (counted up to 100000).",
        "quire_count_drift_rows": "Counter rows that differed from a recount in this process's last counter check or repair, by table.",
        "quire_cache_hits_total": "Lookups answered from an in-process cache, by cache (sessions: bearer tokens).",
        "quire_cache_misses_total": "Lookups an in-process cache could not answer, which went to the database, by cache.",
        "quire_cache_echo_seconds": "On PostgreSQL, how long the cache listener's echo took to come back: how late other processes' changes reach this one (past 80 ms the caches stop serving).",
        "quire_cache_behind_total": "On PostgreSQL, cache lookups sent to the database because the cache listener's last echo was sent 80 ms ago or more.",
        "quire_count_drift_found_total": "Counter rows found differing from a recount by counter checks and repairs, by table.",
    ]

    static func annotate(_ exposition: String) -> String {
        var lines: [Substring] = []
        for line in exposition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE ") {
                let name = line.dropFirst("# TYPE ".count).prefix { $0 != " " }
                lines.append("# HELP \(name) \(text[String(name)] ?? "Quire metric \(name).")")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
