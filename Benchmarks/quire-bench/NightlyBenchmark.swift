import ArgumentParser
import Foundation
import Logging
import QuireJobs
import QuireStore
import SQLKit

/// The nightly catalog jobs on a release build (issue 15): `catalog.stats` and `catalog.similar`
/// run once each over a seeded database through the real job kinds, with a worker in this
/// process. Prints one Markdown row per job: rows done, the job's time (started to finished, as
/// the queue recorded it), rows/s, the process's peak resident memory (VmHWM,
/// reset through /proc/self/clear_refs before the job) and that peak above the idle process, and
/// the anonymous peak (RssAnon sampled every 2 ms) above idle.
struct NightlyBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nightly", abstract: "Benchmark the nightly catalog jobs.")

    @Option(help: "Database URL of a seeded database (scripts/bench-nightly seeds it).") var databaseURL: String
    @Option(help: "A label for the scale column.") var scale = "small"
    @Option(help: "Jobs to run, comma-separated.") var jobs = "catalog.stats,catalog.similar"

    func run() async throws {
        let url = try DatabaseURL(parsing: databaseURL)
        let database = try await Database.open(url, poolSize: 4, logger: Logger(label: "quire-bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            _ = try await Migrator(database: database).migrate()
            let queue = JobQueue(database: database, registry: .standard)
            var configuration = WorkerConfiguration()
            configuration.pollInterval = .milliseconds(5)
            let worker = JobWorker(queue: queue, configuration: configuration, periodic: [], logger: Logger(label: "quire-bench"))
            group.addTask { try await worker.run() }
            print("| job | engine | scale | rows | time s | rows/s | peak RSS MB | above idle MB | peak anon above idle MB |")
            print("|---|---|---|---:|---:|---:|---:|---:|---:|")
            for kind in jobs.split(separator: ",").map(String.init) {
                let (job, memory) = try await MemoryPeaks.measure { try await Self.runJob(kind, queue: queue) }
                let seconds = Double((job.finishedAt ?? 0) - (job.startedAt ?? 0)) / 1_000_000
                let rows = Self.rows(job.result ?? "{}")
                print(String(format: "| %@ | %@ | %@ | %lld | %.1f | %.0f | %.1f | %.1f | %.1f |",
                             kind, url.engine.rawValue, scale, rows, seconds, seconds > 0 ? Double(rows) / seconds : 0,
                             Double(memory.peakKiB) / 1024, Double(memory.peakAboveIdleKiB) / 1024, Double(memory.anonymousAboveIdleKiB) / 1024))
            }
        }
    }

    /// Starts the kind as its schedule would and waits for it to end.
    static func runJob(_ kind: String, queue: JobQueue) async throws -> JobRecord {
        let (started, _) = try await queue.enqueue(NewJob(kind: kind))
        while true {
            try await Task.sleep(for: .milliseconds(20))
            guard let job = try await queue.database.read({ try await JobQueries.find(started.id, on: $0) }), job.state.isFinished else { continue }
            guard job.state == .succeeded else { throw ValidationError("\(kind) ended \(job.state): \(job.lastError ?? "")") }
            return job
        }
    }

    /// The rows a job's result says it went through: works and authors.
    static func rows(_ result: String) -> Int64 {
        Int64(number(result, "works") + number(result, "authors"))
    }

    static func number(_ result: String, _ key: String) -> Int {
        let object = (try? JSONSerialization.jsonObject(with: Data(result.utf8))) as? [String: Any] ?? [:]
        return (object[key] as? NSNumber)?.intValue ?? 0
    }
}
