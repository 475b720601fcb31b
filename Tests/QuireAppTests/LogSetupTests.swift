import Logging
import Synchronization
import Testing
@testable import QuireApp

/// The text log format: what a line shows, now that the metadata is rendered when it is written.
struct LogSetupTests {
    /// Lines written to memory.
    final class Lines: TextOutputStream, @unchecked Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    @Test func aTextLineShowsTheLoggersMetadataAndItsOwnWithItsOwnWinning() {
        // setup: a logger with two keys set, as a request's is
        let lines = Lines()
        var logger = Logger(label: "quire") { TextLogHandler(label: $0, logLevel: .info, stream: lines) }
        logger[metadataKey: "request_id"] = "r-1"
        logger[metadataKey: "route"] = "/v1/me"

        // call: a line below the level, then one above it that sets a key of its own and one the logger has
        logger.debug("hidden")
        logger.warning("slow", metadata: ["ms": "120", "route": "/v1/users/{name}"])

        // check: one line, with the logger's key, the line's own, and the line's value where both have one
        let text = lines.text.withLock { $0 }
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.contains("warning quire:"))
        #expect(text.contains("request_id=r-1"))
        #expect(text.contains("ms=120"))
        #expect(text.contains("route=/v1/users/{name}"))
        #expect(!text.contains("route=/v1/me"))
        #expect(text.hasSuffix("slow\n"))
    }
}
