@testable import QuireApp
import QuireJobs
import Testing

@Suite struct QuireConfigurationTests {
    @Test func theSlowStatementThresholdComesFromTheFlagThenTheEnvironment() throws {
        var flags = QuireConfiguration.Overrides()
        #expect(try QuireConfiguration.resolve(flags, environment: [:]).slowStatementThreshold == .milliseconds(200))
        #expect(try QuireConfiguration.resolve(flags, environment: ["QUIRE_SLOW_STATEMENT_MS": "0.5"]).slowStatementThreshold == .microseconds(500))
        #expect(try QuireConfiguration.resolve(flags, environment: ["QUIRE_SLOW_STATEMENT_MS": "0"]).slowStatementThreshold == nil)
        flags.slowStatementMS = 50
        #expect(try QuireConfiguration.resolve(flags, environment: ["QUIRE_SLOW_STATEMENT_MS": "0"]).slowStatementThreshold == .milliseconds(50))
    }

    @Test func aBadSlowStatementThresholdIsRefusedInOneLine() {
        #expect(throws: ConfigurationError.self) {
            try QuireConfiguration.resolve(.init(), environment: ["QUIRE_SLOW_STATEMENT_MS": "-1"])
        }
        #expect(throws: ConfigurationError.self) {
            try QuireConfiguration.resolve(.init(), environment: ["QUIRE_SLOW_STATEMENT_MS": "fast"])
        }
        // Numbers past what a duration holds are refused, not converted (which would trap).
        for bad in [["QUIRE_SLOW_STATEMENT_MS": "1e300"], ["QUIRE_JOB_RESCUE_AFTER": "1e300"], ["QUIRE_SLOW_STATEMENT_MS": "nan"],
                    ["QUIRE_JOB_RESCUE_AFTER": "inf"], ["QUIRE_REPAIR_CRON": "every night"]] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try QuireConfiguration.resolve(.init(), environment: bad) }
        }
        #expect((try? QuireConfiguration.resolve(.init(), environment: ["QUIRE_REPAIR_CRON": "0 4 * * *"]))?.repairCron == "0 4 * * *")
    }

    @Test func thePoolIsFourOnSQLiteAndEightOnPostgreSQLUnlessSet() throws {
        let postgres = ["QUIRE_DATABASE_URL": "postgres://quire@127.0.0.1:5432/quire"]
        #expect(try QuireConfiguration.resolve(.init(), environment: [:]).poolSize == 4)
        #expect(try QuireConfiguration.resolve(.init(), environment: postgres).poolSize == 8)
        #expect(try QuireConfiguration.resolve(.init(), environment: postgres.merging(["QUIRE_POOL_SIZE": "4"]) { $1 }).poolSize == 4)
        var flags = QuireConfiguration.Overrides()
        flags.poolSize = 2
        #expect(try QuireConfiguration.resolve(flags, environment: postgres).poolSize == 2)
    }

    @Test func theSessionCacheAndTheWorkersMetricsPortAreReadAndChecked() throws {
        let defaults = try QuireConfiguration.resolve(.init(), environment: [:])
        #expect(defaults.sessionCacheTTL == .seconds(5))
        #expect(defaults.metricsPort == nil)
        let set = try QuireConfiguration.resolve(.init(), environment: ["QUIRE_SESSION_CACHE_SECONDS": "0.5", "QUIRE_METRICS_PORT": "9464"])
        #expect(set.sessionCacheTTL == .milliseconds(500))
        #expect(set.metricsPort == 9464)
        #expect(try QuireConfiguration.resolve(.init(), environment: ["QUIRE_SESSION_CACHE_SECONDS": "0"]).sessionCacheTTL == .zero)
        for bad in [["QUIRE_SESSION_CACHE_SECONDS": "-1"], ["QUIRE_SESSION_CACHE_SECONDS": "forever"], ["QUIRE_SESSION_CACHE_SECONDS": "301"],
                    ["QUIRE_METRICS_PORT": "70000"], ["QUIRE_METRICS_PORT": "http"]] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try QuireConfiguration.resolve(.init(), environment: bad) }
        }
    }

    @Test func trustedProxiesAreAddressesOrRanges() throws {
        let none = try QuireConfiguration.resolve(.init(), environment: [:])
        let set = try QuireConfiguration.resolve(.init(), environment: ["QUIRE_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12, fd00::/8"])
        #expect(set.trustedProxies != none.trustedProxies)
        for bad in ["proxy.example.org", "10.0.0.0/33", "10.0.0.5,,nope"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try QuireConfiguration.resolve(.init(), environment: ["QUIRE_TRUSTED_PROXIES": bad])
            }
        }
    }

    /// What the worker schedules: each periodic job's cron by name, and the check's arguments.
    static func scheduled(_ environment: [String: String]) throws -> (crons: [String: String], checkArgs: String?) {
        let jobs = Schedule.periodicJobs(try QuireConfiguration.resolve(.init(), environment: environment))
        return (Dictionary(uniqueKeysWithValues: jobs.map { ($0.job.kind, $0.cron.description) }),
                jobs.first { $0.job.kind == CountersCheckJob.name }?.job.args)
    }

    @Test func eachNightlyKindsScheduleIsACronOrOff() throws {
        // the defaults: every kind at its own time of night, the check without repair
        let defaults = try Self.scheduled([:])
        #expect(defaults.crons[CatalogStatsJob.name] == "23 2 * * *")
        #expect(defaults.crons[CatalogSimilarJob.name] == "37 2 * * *")
        #expect(defaults.crons[CountersCheckJob.name] == "53 1 * * *")
        #expect(defaults.crons[SearchMergeJob.name] == "11 2 * * *")
        #expect(defaults.checkArgs == "{}")

        // a cron (five fields or six, seconds first) for one kind leaves the others alone
        let set = try Self.scheduled(["QUIRE_SCHEDULE_CATALOG_STATS": "*/2 * * * * *", "QUIRE_SCHEDULE_CATALOG_SIMILAR": "0 4 * * 1-5",
                                      "QUIRE_SCHEDULE_COUNTERS_CHECK": "15 0 1 * *"])
        #expect(set.crons[CatalogStatsJob.name] == "*/2 * * * * *")
        #expect(set.crons[CatalogSimilarJob.name] == "0 4 * * 1-5")
        #expect(set.crons[CountersCheckJob.name] == "15 0 1 * *")

        // off: that kind is not scheduled at all, the others are
        let off = try Self.scheduled(["QUIRE_SCHEDULE_CATALOG_SIMILAR": "off", "QUIRE_SCHEDULE_COUNTERS_CHECK": "off", "QUIRE_SCHEDULE_SEARCH_MERGE": "off"])
        #expect(off.crons[CatalogSimilarJob.name] == nil)
        #expect(off.crons[SearchMergeJob.name] == nil)
        #expect(off.crons[CountersCheckJob.name] == nil)
        #expect(off.crons[CatalogStatsJob.name] == "23 2 * * *")
        #expect(off.crons[CountersRepairJob.name] == "17 3 * * *")

        // the repair's own name for its schedule wins over the older QUIRE_REPAIR_CRON
        let repair = try Self.scheduled(["QUIRE_REPAIR_CRON": "0 5 * * *", "QUIRE_SCHEDULE_COUNTERS_REPAIR": "30 4 * * *"])
        #expect(repair.crons[CountersRepairJob.name] == "30 4 * * *")

        // the repair can be turned off as the others can (scripts/bench turns every schedule off)
        let noRepair = try Self.scheduled(["QUIRE_SCHEDULE_COUNTERS_REPAIR": "off"])
        #expect(noRepair.crons[CountersRepairJob.name] == nil)
        #expect(noRepair.crons[CatalogStatsJob.name] == "23 2 * * *")
        // and by its older name, which is read the same way
        #expect(try Self.scheduled(["QUIRE_REPAIR_CRON": "off"]).crons[CountersRepairJob.name] == nil)
        #expect(try Self.scheduled(["QUIRE_REPAIR_CRON": "0 5 * * *"]).crons[CountersRepairJob.name] == "0 5 * * *")
    }

    @Test func aBadScheduleIsRefusedWithTheVariablesName() {
        for variable in [
            "QUIRE_SCHEDULE_CATALOG_STATS", "QUIRE_SCHEDULE_CATALOG_SIMILAR", "QUIRE_SCHEDULE_COUNTERS_CHECK", "QUIRE_SCHEDULE_COUNTERS_REPAIR",
            "QUIRE_SCHEDULE_SEARCH_MERGE",
        ] {
            for bad in ["nightly", "61 2 * * *", "* * * *", "0 0 31 2 * * *", "*/0 * * * *"] {
                let error = #expect(throws: ConfigurationError.self, "\(variable)=\(bad)") {
                    try QuireConfiguration.resolve(.init(), environment: [variable: bad])
                }
                #expect(error?.description.hasPrefix("\(variable) must be a cron expression") == true, "\(error?.description ?? "")")
                #expect(error?.description.contains(bad) == true, "\(error?.description ?? "")")
            }
        }
    }

    @Test func theScheduledCheckRepairsOnlyWhenConfigured() throws {
        for yes in ["true", "1", "yes", "on", "TRUE"] {
            #expect(try Self.scheduled(["QUIRE_COUNTERS_CHECK_REPAIR": yes]).checkArgs == #"{"repair":true}"#, "\(yes)")
        }
        for no in ["false", "0", "no", "off", ""] {
            #expect(try Self.scheduled(["QUIRE_COUNTERS_CHECK_REPAIR": no]).checkArgs == "{}", "\(no)")
        }
        for bad in ["sometimes", "2", "y"] {
            let error = #expect(throws: ConfigurationError.self, "\(bad)") {
                try QuireConfiguration.resolve(.init(), environment: ["QUIRE_COUNTERS_CHECK_REPAIR": bad])
            }
            #expect(error?.description == "QUIRE_COUNTERS_CHECK_REPAIR must be true or false, got \(bad)")
        }
    }
}
