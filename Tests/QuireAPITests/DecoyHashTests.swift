@testable import QuireAPI
import Testing

@Suite struct DecoyHashTests {
    /// The decoy costs what a real check costs: its cost is the configured one.
    @Test func theDecoyHashHasTheCostAskedFor() {
        #expect(DecoyHash.hash(cost: 5).hasPrefix("$2b$05$"))
        #expect(DecoyHash.hash(cost: 6).hasPrefix("$2b$06$"))
        #expect(DecoyHash.hash(cost: 5) == DecoyHash.hash(cost: 5), "made once per cost")
    }
}
