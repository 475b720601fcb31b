import QuireJobs

/// When the nightly catalog jobs, the counter check (issue 15) and the search index's merge run.
public struct ScheduleSettings: Sendable, Equatable {
    /// Cron expressions in UTC, or `off`.
    public var catalogStats = Schedule.defaultCatalogStatsCron
    public var catalogSimilar = Schedule.defaultCatalogSimilarCron
    public var countersCheck = Schedule.defaultCountersCheckCron
    public var searchMerge = Schedule.defaultSearchMergeCron
    /// Whether the scheduled `counters.check` also repairs the drift it finds.
    public var countersCheckRepair = false

    public init() {}
}

extension QuireConfiguration {
    /// `QUIRE_SCHEDULE_CATALOG_STATS`, `QUIRE_SCHEDULE_CATALOG_SIMILAR`, `QUIRE_SCHEDULE_COUNTERS_CHECK`
    /// and `QUIRE_SCHEDULE_SEARCH_MERGE` (each a cron expression or `off`), `QUIRE_SCHEDULE_COUNTERS_REPAIR`
    /// (the same, and so is its older name `QUIRE_REPAIR_CRON`, which it overrides) and
    /// `QUIRE_COUNTERS_CHECK_REPAIR` (`true` or `false`).
    static func resolveSchedules(_ configuration: inout QuireConfiguration, environment: [String: String]) throws(ConfigurationError) {
        let kinds: [(variable: String, setting: WritableKeyPath<ScheduleSettings, String>, example: String)] = [
            ("QUIRE_SCHEDULE_CATALOG_STATS", \.catalogStats, Schedule.defaultCatalogStatsCron),
            ("QUIRE_SCHEDULE_CATALOG_SIMILAR", \.catalogSimilar, Schedule.defaultCatalogSimilarCron),
            ("QUIRE_SCHEDULE_COUNTERS_CHECK", \.countersCheck, Schedule.defaultCountersCheckCron),
            ("QUIRE_SCHEDULE_SEARCH_MERGE", \.searchMerge, Schedule.defaultSearchMergeCron),
        ]
        for kind in kinds {
            if let text = try schedule(kind.variable, example: kind.example, environment: environment) { configuration.schedules[keyPath: kind.setting] = text }
        }
        // The repair's older name first, read as the others are: its own name, next, overrides it.
        for variable in ["QUIRE_REPAIR_CRON", "QUIRE_SCHEDULE_COUNTERS_REPAIR"] {
            if let text = try schedule(variable, example: Schedule.defaultRepairCron, environment: environment) { configuration.repairCron = text }
        }
        if let text = environment["QUIRE_COUNTERS_CHECK_REPAIR"], !text.isEmpty {
            switch text.lowercased() {
            case "true", "1", "yes", "on": configuration.schedules.countersCheckRepair = true
            case "false", "0", "no", "off": configuration.schedules.countersCheckRepair = false
            default: throw ConfigurationError("QUIRE_COUNTERS_CHECK_REPAIR must be true or false, got \(text)")
            }
        }
    }

    /// `variable`'s schedule, a cron expression or `off`, nil when unset; `example` shows a valid one.
    static func schedule(_ variable: String, example: String, environment: [String: String]) throws(ConfigurationError) -> String? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard text == "off" || (try? Cron(text)) != nil else {
            throw ConfigurationError("\(variable) must be a cron expression such as \"\(example)\" or off, got \(text)")
        }
        return text
    }
}
