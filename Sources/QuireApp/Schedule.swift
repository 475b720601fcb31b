import QuireJobs
import QuireStore

/// Quire's periodic work, run once per period across all processes.
enum Schedule {
    /// 03:17 UTC: off the hour, when most instances are quiet.
    static let defaultRepairCron = "17 3 * * *"
    /// Hourly, off the hour: an expired export is gone within the hour after its time.
    static let defaultExportsPruneCron = "41 * * * *"

    static func periodicJobs(repairCron: String, exportsPruneCron: String = defaultExportsPruneCron) -> [PeriodicJob] {
        var jobs: [PeriodicJob] = []
        var repair = NewJob(kind: CountersRepairJob.name)
        repair.uniqueKey = CountersRepairJob.name
        // The configuration checked the expressions; the defaults always parse.
        if let cron = (try? Cron(repairCron)) ?? (try? Cron(defaultRepairCron)) {
            jobs.append(PeriodicJob(name: "nightly counters.repair", cron: cron, job: repair))
        }
        if exportsPruneCron != "off", let cron = (try? Cron(exportsPruneCron)) ?? (try? Cron(defaultExportsPruneCron)) {
            var prune = NewJob(kind: ExportsPruneJob.name)
            prune.uniqueKey = ExportsPruneJob.name
            jobs.append(PeriodicJob(name: "hourly exports.prune", cron: cron, job: prune))
        }
        return jobs
    }
}
