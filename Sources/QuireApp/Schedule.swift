import QuireJobs
import QuireStore

/// Quire's periodic work, run once per period across all processes.
enum Schedule {
    /// 03:17 UTC: off the hour, when most instances are quiet.
    static let defaultRepairCron = "17 3 * * *"
    /// Hourly, off the hour: an expired export is gone within the hour after its time.
    static let defaultExportsPruneCron = "41 * * * *"
    /// The nightly catalog work, off the hour and apart, before the repair: statistics at 02:23,
    /// the similar works at 02:37 (they don't depend on each other), the drift check at 01:53,
    /// so its metric shows the day's drift before the repair at 03:17 mends it.
    static let defaultCatalogStatsCron = "23 2 * * *"
    static let defaultCatalogSimilarCron = "37 2 * * *"
    static let defaultCountersCheckCron = "53 1 * * *"
    /// The search index's merge, after the day's catalog writes and away from the other jobs.
    static let defaultSearchMergeCron = "11 2 * * *"

    /// One periodic kind: the job it enqueues (also what `POST /v1/admin/jobs/{kind}` starts)
    /// and its cron expression, or nil when its schedule is `off`.
    struct Entry {
        let name: String
        let cron: String?
        let fallback: String
        let job: NewJob
    }

    static func entries(_ configuration: QuireConfiguration) -> [Entry] {
        let schedules = configuration.schedules
        func job(_ kind: String, args: String = "{}") -> NewJob {
            var job = NewJob(kind: kind, args: args)
            // One at a time: a start while one waits or runs returns that one.
            job.uniqueKey = kind
            return job
        }
        func cron(_ text: String) -> String? { text == "off" ? nil : text }
        return [
            Entry(name: "nightly counters.repair", cron: cron(configuration.repairCron), fallback: defaultRepairCron, job: job(CountersRepairJob.name)),
            Entry(name: "hourly exports.prune", cron: cron(configuration.exportsPruneCron), fallback: defaultExportsPruneCron,
                  job: job(ExportsPruneJob.name)),
            Entry(name: "nightly catalog.stats", cron: cron(schedules.catalogStats), fallback: defaultCatalogStatsCron, job: job(CatalogStatsJob.name)),
            Entry(name: "nightly catalog.similar", cron: cron(schedules.catalogSimilar), fallback: defaultCatalogSimilarCron,
                  job: job(CatalogSimilarJob.name)),
            Entry(name: "nightly counters.check", cron: cron(schedules.countersCheck), fallback: defaultCountersCheckCron,
                  job: job(CountersCheckJob.name, args: schedules.countersCheckRepair ? #"{"repair":true}"# : "{}")),
            Entry(name: "nightly search.merge", cron: cron(schedules.searchMerge), fallback: defaultSearchMergeCron, job: job(SearchMergeJob.name)),
        ]
    }

    static func periodicJobs(_ configuration: QuireConfiguration) -> [PeriodicJob] {
        entries(configuration).compactMap { entry in
            // The configuration checked the expressions; the defaults always parse.
            guard let text = entry.cron, let cron = (try? Cron(text)) ?? (try? Cron(entry.fallback)) else { return nil }
            return PeriodicJob(name: entry.name, cron: cron, job: entry.job)
        }
    }

    /// Every periodic kind's job by kind name, scheduled or not, for the admin endpoint, and
    /// `noop`: not periodic and without a unique key, so each start is a new job that does
    /// nothing. It is an operator's check that the workers pick jobs up, and what scripts/bench
    /// starts to measure an enqueue a request (a periodic kind's start mostly returns the job
    /// already waiting).
    static func startable(_ configuration: QuireConfiguration) -> [String: NewJob] {
        Dictionary(uniqueKeysWithValues: entries(configuration).map { ($0.job.kind, $0.job) } + [(NoopJob.name, NewJob(kind: NoopJob.name))])
    }
}
