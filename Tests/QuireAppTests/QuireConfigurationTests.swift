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
}
