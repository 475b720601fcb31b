import ArgumentParser
import Foundation
import Logging
import QuireJobs
import QuireStore

/// Measures the job queue on a release build: throughput draining a preloaded backlog, and
/// enqueue-to-start latency at a steady enqueue rate, with `quire worker` processes doing the
/// work. Prints one Markdown table row per run.
struct JobsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Benchmark the job queue with no-op jobs.")

    @Option(help: "Database URL (a fresh database: the jobs table is emptied first).") var databaseURL: String
    @Option(help: "The quire binary that runs the workers.") var quire: String = ".build/release/quire"
    @Option(help: "Worker processes; 0 runs the worker inside this process, as `quire serve` does.") var processes = 1
    @Option(help: "Concurrency of each worker process.") var workers = 64
    @Option(help: "No-op jobs in the backlog drained for throughput.") var jobs = 100_000
    @Option(help: "Jobs in each batch enqueue that writes the backlog.") var enqueueBatch = 10_000
    @Option(help: "Jobs enqueued one at a time for the latency run.") var latencyJobs = 5_000
    @Option(help: "Enqueue rate of the latency run, jobs per second.") var rate = 1_000
    @Option(help: "What to measure: drain (the backlog's jobs/s and its enqueue rate), latency, or both.") var measure = "both"
    @Option(help: "Row format: quire (the full table row) or versus (the rows scripts/bench-jobs --against prints).") var format = "quire"

    func run() async throws {
        let url = try DatabaseURL(parsing: databaseURL)
        let database = try await Database.open(url, poolSize: 4, logger: Logger(label: "quire-bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            _ = try await Migrator(database: database).migrate()
            try await database.write { try await $0.raw("DELETE FROM jobs").run() }
            try await settle(database)

            let queue = JobQueue(database: database, registry: .standard)
            var (throughput, enqueueRate) = (0.0, 0.0)
            if measure != "latency" {
                // Throughput: a backlog of no-op jobs written through the batch enqueue, drained by the workers.
                enqueueRate = try await preload(jobs, queue)
                try await settle(database)
                throughput = try await withWorkers(queue) {
                    try await waitUntilDone(database)
                    return try await drainRate(database)
                }
                try await database.write { try await $0.raw("DELETE FROM jobs").run() }
                try await settle(database)
            }
            var (latencies, afterCommit, enqueue): ([Double], [Double], [Double]) = ([], [], [])
            if measure != "drain" {
                // Latency: jobs enqueued at a steady rate onto idle workers, each committed on its own
                // as an API request would; enqueue-to-start is started_at - created_at.
                (latencies, afterCommit, enqueue) = try await withWorkers(queue) {
                    // The workers start with this phase: until each has connected and is
                    // listening, the first jobs waited up to 76 ms for them. A few jobs first,
                    // not measured, so the latency is that of idle workers as the phase means.
                    if database.engine == .postgres, processes > 0 {
                        while try await database.read({ db in
                            try await db.raw("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %'").first()?.decode(column: "n", as: Int.self) ?? 0
                        }) < processes {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    _ = try await queue.enqueue(Array(repeating: NewJob(kind: NoopJob.name), count: 8 * max(processes, 1)))
                    try await waitUntilDone(database)
                    try await database.write { try await $0.raw("DELETE FROM jobs").run() }
                    let interval = Duration.nanoseconds(1_000_000_000 / max(rate, 1))
                    var next = ContinuousClock.now
                    // When each enqueue was answered (committed): the wait from there to the
                    // start is the workers' part, the rest the enqueue's own commit.
                    var answeredAt: [Int64: Int64] = [:]
                    for _ in 0..<latencyJobs {
                        let (job, _) = try await queue.enqueue(NewJob(kind: NoopJob.name))
                        answeredAt[job.id] = Timestamp.microsecondsNow()
                        next += interval
                        try await Task.sleep(until: next)
                    }
                    try await waitUntilDone(database)
                    return try await startLatencies(database, answeredAt: answeredAt)
                }
            }
            let percentile = { (values: [Double], q: Double) in values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * q))] }
            let p = { (q: Double) in percentile(latencies, q) }
            let ms = { (v: Double) in String(format: "%.2f", v) }
            switch (format, measure) {
            case ("versus", "latency"):
                print("| \(processes) | \(ms(p(0.5))) ms | \(ms(p(0.99))) ms | \(ms(percentile(afterCommit, 0.5))) ms | \(ms(percentile(afterCommit, 0.99))) ms | \(ms(percentile(enqueue, 0.5))) ms | \(ms(percentile(enqueue, 0.99))) ms |")
            case ("versus", _):
                print("| Quire (\(workers) a process) | \(processes) | \(jobs) | \(Int(throughput)) | \(Int(enqueueRate)) |")
            default:
                print("| \(url.engine) | \(processes == 0 ? "in-process" : "\(processes)") | \(workers) | \(jobs) | \(Int(throughput)) | \(Int(enqueueRate)) | \(ms(p(0.5))) | \(ms(p(0.99))) |")
            }
        }
    }

    /// Writes the backlog through `JobQueue.enqueue([NewJob])`, `enqueueBatch` jobs a call;
    /// returns the jobs enqueued per second.
    func preload(_ count: Int, _ queue: JobQueue) async throws -> Double {
        let started = ContinuousClock.now
        var done = 0
        while done < count {
            let batch = min(enqueueBatch, count - done)
            _ = try await queue.enqueue(Array(repeating: NewJob(kind: NoopJob.name), count: batch))
            done += batch
        }
        let elapsed = (ContinuousClock.now - started).components
        return Double(count) / max(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, 0.000001)
    }

    /// On PostgreSQL, VACUUM ANALYZE between phases, as the pgqueuer side does after its backlog:
    /// each run starts on a table without the previous run's dead rows.
    func settle(_ database: Database) async throws {
        guard database.engine == .postgres else { return }
        try await database.read { try await $0.raw("VACUUM ANALYZE jobs").run() }
    }

    func withWorkers<T: Sendable>(_ queue: JobQueue, _ body: @Sendable () async throws -> T) async throws -> T {
        guard processes > 0 else {
            var configuration = WorkerConfiguration()
            configuration.concurrency = workers
            let worker = JobWorker(queue: queue, configuration: configuration, logger: Logger(label: "quire-bench"))
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await worker.run(); return nil }
                defer { group.cancelAll() }
                return try await body()
            }
        }
        let children = try (0..<processes).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: quire)
            process.arguments = ["worker", "--database-url", databaseURL, "--log-level", "warning"]
            var environment = ProcessInfo.processInfo.environment
            environment["QUIRE_WORKERS"] = "\(workers)"
            process.environment = environment
            // Their log lines (slow statements, say) go to stderr, so stdout holds only the table.
            process.standardOutput = FileHandle.standardError
            try process.run()
            return process
        }
        defer {
            for child in children { child.terminate() }
            for child in children { child.waitUntilExit() }
        }
        return try await body()
    }

    /// Waits until no job is queued or running, looking every 100 ms. Each look is two index
    /// probes, ordered as `jobs_ready` and `jobs_running` are so that PostgreSQL walks them:
    /// counting the succeeded jobs, or a bare EXISTS (which the planner answered with a
    /// sequential scan past every finished row), cost the database up to 16 ms a look while the
    /// workers drained.
    func waitUntilDone(_ database: Database) async throws {
        while try await database.read({ db in
            try await db.raw("""
                SELECT (SELECT id FROM jobs WHERE state IN ('queued', 'scheduled', 'failed') ORDER BY priority DESC, run_after, id LIMIT 1) AS waiting,
                       (SELECT id FROM jobs WHERE state = 'running' ORDER BY worker, heartbeat_at LIMIT 1) AS running
                """).first().map { try !$0.decodeNil(column: "waiting") || !$0.decodeNil(column: "running") } ?? true
        }) {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Jobs per second from the first start to the last finish.
    func drainRate(_ database: Database) async throws -> Double {
        let row = try await database.read { try await $0.raw("SELECT min(started_at) AS a, max(finished_at) AS b, count(*) AS n FROM jobs").first() }
        let (a, b, n) = (try row?.decode(column: "a", as: Int64.self) ?? 0, try row?.decode(column: "b", as: Int64.self) ?? 0, try row?.decode(column: "n", as: Int.self) ?? 0)
        return Double(n) / max(Double(b - a) / 1_000_000, 0.000001)
    }

    /// Enqueue-to-start latencies in milliseconds, sorted; the same from when each enqueue was
    /// answered; and each enqueue's own time, from its `created_at` to its answer (its durable
    /// commit and the round trip).
    func startLatencies(_ database: Database, answeredAt: [Int64: Int64]) async throws -> ([Double], [Double], [Double]) {
        let rows = try await database.read { db in
            try await db.raw("SELECT id, created_at, started_at FROM jobs").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "created_at", as: Int64.self), try $0.decode(column: "started_at", as: Int64.self))
            }
        }
        let total = rows.map { Double($0.2 - $0.1) / 1000 }.sorted()
        let afterCommit = rows.compactMap { row in answeredAt[row.0].map { Double(row.2 - $0) / 1000 } }.sorted()
        let enqueue = rows.compactMap { row in answeredAt[row.0].map { Double($0 - row.1) / 1000 } }.sorted()
        return (total, afterCommit, enqueue)
    }
}
