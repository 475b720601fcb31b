import QuireJobs
import QuireStore

/// Quire's nightly work, run once per period across all processes.
enum Schedule {
    static var periodicJobs: [PeriodicJob] {
        var repair = NewJob(kind: CountersRepairJob.name)
        repair.uniqueKey = CountersRepairJob.name
        // 03:17 UTC: off the hour, when most instances are quiet.
        guard let nightly = try? Cron("17 3 * * *") else { return [] }
        return [PeriodicJob(name: "nightly counters.repair", cron: nightly, job: repair)]
    }
}
