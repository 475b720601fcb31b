import Foundation
import Logging
import QuireJobs
import QuireStore

/// Runs `body` with job workers running on `database` in this process; stops them afterwards.
public func withWorkers<T: Sendable>(
    _ database: Database, registry: JobRegistry, count: Int = 1, periodic: [PeriodicJob] = [], named name: String? = nil,
    configure: @Sendable (inout WorkerConfiguration) -> Void = { _ in },
    _ body: @Sendable (JobQueue) async throws -> T
) async throws -> T {
    let queue = JobQueue(database: database, registry: registry)
    var configuration = WorkerConfiguration()
    configuration.heartbeatInterval = .milliseconds(100)
    configuration.pollInterval = .milliseconds(100)
    configure(&configuration)
    let workers = (0..<count).map { index -> JobWorker in
        var own = configuration
        own.name = name.map { count == 1 ? $0 : "\($0)-\(index)" } ?? "test-worker-\(index)-\(UUID().uuidString.prefix(6))"
        return JobWorker(queue: queue, configuration: own, periodic: periodic, logger: Logger(label: "quire-test-worker"))
    }
    return try await withBackground(workers.map { worker in { try await worker.run() } }) { try await body(queue) }
}

/// Polls the job until `done` holds, or fails after `timeout`: generous, since a machine running the
/// whole suite in parallel beside other work (load average 9 to 12) once took over 20 s to finish a
/// small counters.repair. With `whileProgressing`, the timeout counts from the job's last reported
/// progress instead of from the start: a long job on a loaded machine (a 20,000-row import reached
/// 17,500 rows in CI's 120 s) is waited for as long as it moves, and a stuck one still fails.
@discardableResult
public func waitForJob(
    _ id: Int64, on database: Database, timeout: Duration = .seconds(60), whileProgressing: Bool = false,
    until done: @Sendable (JobRecord) -> Bool
) async throws -> JobRecord {
    var deadline = ContinuousClock.now + timeout
    var progress: Int64?
    while true {
        let job = try await database.read({ try await JobQueries.find(id, on: $0) })
        if let job, done(job) { return job }
        if whileProgressing, let reported = job?.progressDone, reported != progress {
            progress = reported
            deadline = ContinuousClock.now + timeout
        }
        guard ContinuousClock.now < deadline else {
            let what = whileProgressing ? "made no progress for \(timeout)" : "did not get there within \(timeout)"
            throw TestSetupError("job \(id) \(what); it is \(String(describing: job))")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension NewJob {
    /// A no-op job, sleeping `sleepMs` (checking for cancellation every 10 ms) when given.
    public static func noop(sleepMs: Int? = nil, uniqueKey: String? = nil) -> NewJob {
        var job = NewJob(kind: NoopJob.name, args: sleepMs.map { #"{"sleep_ms": \#($0)}"# } ?? "{}")
        job.uniqueKey = uniqueKey
        return job
    }
}
