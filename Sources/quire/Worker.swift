import ArgumentParser
import Foundation
import QuireApp
import QuireJobs
import QuireStore

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run background jobs without the HTTP server; several may share one PostgreSQL.")
    @Option(help: "Serve this worker's /metrics and /healthz on this port (QUIRE_METRICS_PORT; none by default).")
    var metricsPort: Int?
    @Option(help: "Address for --metrics-port (QUIRE_HOST, default 127.0.0.1).")
    var host: String?
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        var overrides = options.overrides
        overrides.metricsPort = metricsPort
        overrides.host = host
        let configuration = try startUp(overrides)
        do { try await Commands.worker(configuration) } catch { fail(error) }
    }
}

struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect and control background jobs.", subcommands: [List.self, Show.self, Cancel.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @Option(help: "Only jobs in this state.") var state: String?
        @Option(help: "How many (at most 1000).") var limit = 50
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration = try startUp(options.overrides)
            let filter: JobState?
            if let state {
                guard let parsed = JobState(rawValue: state) else { fail(ValidationError("--state must be one of \(JobState.allCases.map(\.rawValue))")) }
                filter = parsed
            } else { filter = nil }
            let limit = min(max(self.limit, 1), 1000)
            do {
                let jobs = try await Commands.jobs(configuration) { queue in
                    try await queue.database.read { try await JobQueries.list(ownerID: nil, state: filter, before: nil, limit: limit, on: $0) }
                }
                for job in jobs { print(line(job)) }
            } catch { fail(error) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job.")
        @Argument var id: Int64
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let job = try await onJob(id, options) { queue, id in try await queue.database.read { try await JobQueries.find(id, on: $0) } }
            if let done = job.progressDone { print("progress  \(done)\(job.progressTotal.map { "/\($0)" } ?? "") \(job.progressMessage ?? "")") }
            if let result = job.result { print("result    \(result)") }
            if let error = job.lastError { print("error     \(error)") }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job: at once when waiting, at its next checkpoint when running.")
        @Argument var id: Int64
        @OptionGroup var options: ConfigurationOptions

        func run() async throws { _ = try await onJob(id, options) { try await $0.cancel($1) } }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed, discarded or cancelled job again with fresh attempts.")
        @Argument var id: Int64
        @OptionGroup var options: ConfigurationOptions

        func run() async throws { _ = try await onJob(id, options) { try await $0.retry($1) } }
    }

    /// Runs `action` on job `id`, prints the job's line, or exits with one line when it fails
    /// or there is no such job.
    static func onJob(
        _ id: Int64, _ options: ConfigurationOptions, _ action: @escaping @Sendable (JobQueue, Int64) async throws -> JobRecord?
    ) async throws -> JobRecord {
        let configuration = try startUp(options.overrides)
        do {
            guard let job = try await Commands.jobs(configuration, { try await action($0, id) }) else { fail(ValidationError("no job \(id)")) }
            print(line(job))
            return job
        } catch { fail(error) }
    }

    static func line(_ job: JobRecord) -> String {
        "\(job.id)  \(job.kind)  \(job.state.rawValue)  attempt \(job.attempts)/\(job.maxAttempts)"
    }
}

private func line(_ job: JobRecord) -> String { Jobs.line(job) }
