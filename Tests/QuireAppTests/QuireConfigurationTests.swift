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
}
