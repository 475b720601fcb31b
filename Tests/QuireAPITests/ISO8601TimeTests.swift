import Foundation
@testable import QuireAPI
import Testing

@Suite struct ISO8601TimeTests {
    @Test func writesTheSameTextAsFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 951_782_400.5, 1_795_000_000.999, 4_102_444_799.0] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISO8601Time.string(date) == formatter.string(from: date))
        }
    }
}
