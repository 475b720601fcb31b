import QuireApp
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
}
