import QuireJobs
import QuireStore

/// Quire's nightly work, run once per period across all processes.
enum Schedule {
    /// 03:17 UTC: off the hour, when most instances are quiet.
    static let defaultRepairCron = "17 3 * * *"

    static func periodicJobs(repairCron: String) -> [PeriodicJob] {
        var repair = NewJob(kind: CountersRepairJob.name)
        repair.uniqueKey = CountersRepairJob.name
        // The configuration checked the expression; the default always parses.
        guard let cron = (try? Cron(repairCron)) ?? (try? Cron(defaultRepairCron)) else { return [] }
        return [PeriodicJob(name: "nightly counters.repair", cron: cron, job: repair)]
    }
}
