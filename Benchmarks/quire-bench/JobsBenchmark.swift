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
    @Option(help: "Jobs enqueued one at a time for the latency run.") var latencyJobs = 5_000
    @Option(help: "Enqueue rate of the latency run, jobs per second.") var rate = 1_000

    func run() async throws {
        let url = try DatabaseURL(parsing: databaseURL)
        let database = try await Database.open(url, poolSize: 4, logger: Logger(label: "quire-bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            _ = try await Migrator(database: database).migrate()
            try await database.write { try await $0.raw("DELETE FROM jobs").run() }

            let queue = JobQueue(database: database, registry: .standard)
            // Throughput: a backlog of no-op jobs, drained by the workers.
            try await preload(jobs, database)
            let throughput = try await withWorkers(queue) {
                try await waitUntilDone(jobs, database)
                return try await drainRate(database)
            }
            try await database.write { try await $0.raw("DELETE FROM jobs").run() }

            // Latency: jobs enqueued at a steady rate onto idle workers, each committed on its own
            // as an API request would; enqueue-to-start is started_at - created_at.
            let latencies = try await withWorkers(queue) {
                let interval = Duration.nanoseconds(1_000_000_000 / max(rate, 1))
                var next = ContinuousClock.now
                for _ in 0..<latencyJobs {
                    _ = try await queue.enqueue(NewJob(kind: NoopJob.name))
                    next += interval
                    try await Task.sleep(until: next)
                }
                try await waitUntilDone(latencyJobs, database)
                return try await startLatencies(database)
            }
            let p = { (q: Double) in latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
            print("| \(url.engine) | \(processes == 0 ? "in-process" : "\(processes)") | \(workers) | \(jobs) | \(Int(throughput)) | \(String(format: "%.2f", p(0.5))) | \(String(format: "%.2f", p(0.99))) |")
        }
    }

    func preload(_ count: Int, _ database: Database) async throws {
        let now = Timestamp.microsecondsNow()
        var done = 0
        while done < count {
            let batch = min(10_000, count - done)
            try await database.write { db in
                var values: [String] = []
                for _ in 0..<batch { values.append("('noop', '{}', 'queued', 3, \(now), \(now), \(now))") }
                try await db.raw("INSERT INTO jobs (kind, args, state, max_attempts, run_after, created_at, updated_at) VALUES \(unsafeRaw: values.joined(separator: ","))").run()
            }
            done += batch
        }
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
            try process.run()
            return process
        }
        defer {
            for child in children { child.terminate() }
            for child in children { child.waitUntilExit() }
        }
        return try await body()
    }

    func waitUntilDone(_ count: Int, _ database: Database) async throws {
        while try await database.read({ db in
            try await db.raw("SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'").first()?.decode(column: "n", as: Int.self) ?? 0
        }) < count {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Jobs per second from the first start to the last finish.
    func drainRate(_ database: Database) async throws -> Double {
        let row = try await database.read { try await $0.raw("SELECT min(started_at) AS a, max(finished_at) AS b, count(*) AS n FROM jobs").first() }
        let (a, b, n) = (try row?.decode(column: "a", as: Int64.self) ?? 0, try row?.decode(column: "b", as: Int64.self) ?? 0, try row?.decode(column: "n", as: Int.self) ?? 0)
        return Double(n) / max(Double(b - a) / 1_000_000, 0.000001)
    }

    /// Enqueue-to-start latencies in milliseconds, sorted.
    func startLatencies(_ database: Database) async throws -> [Double] {
        try await database.read { db in
            try await db.raw("SELECT started_at - created_at AS wait FROM jobs").all().map { Double(try $0.decode(column: "wait", as: Int64.self)) / 1000 }
        }.sorted()
    }
}
