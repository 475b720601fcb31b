import Foundation

/// `noop`: does nothing, optionally for `sleep_ms` milliseconds (checking for cancellation every
/// 10 ms). The queue benchmark runs it by the hundred thousand, and the crash tests use a
/// sleeping one to have a job in flight when a worker dies.
public enum NoopJob {
    public static let name = "noop"

    struct Arguments: Decodable {
        var sleepMs: Int?
    }

    public static let kind = JobKind(name, maxAttempts: 3, timeLimit: .seconds(600)) { context in
        guard context.job.args != "{}" else { return nil }
        let arguments = try context.arguments(Arguments.self)
        var left = min(max(arguments.sleepMs ?? 0, 0), 600_000)
        while left > 0 {
            try context.checkpoint()
            try await Task.sleep(for: .milliseconds(min(left, 10)))
            left -= 10
        }
        return nil
    }
}

extension JobRegistry {
    /// Every kind Quire's workers run.
    public static let standard = JobRegistry([
        CountersRepairJob.kind, CountersCheckJob.kind, CatalogStatsJob.kind, CatalogSimilarJob.kind, SearchMergeJob.kind, NoopJob.kind,
    ])
}
