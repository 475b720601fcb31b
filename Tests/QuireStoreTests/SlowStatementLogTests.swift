import Logging
import QuireStore
import SQLKit
import Synchronization
import TestSupport
import Testing

/// Keeps what was logged through it, for assertions.
final class CapturedLogs: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }

    var logger: Logger {
        Logger(label: "quire-test-captured") { _ in Handler(logs: self) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var logLevel = Logger.Level.trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
            logs.entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: fields)) }
        }
    }
}

@Suite struct SlowStatementLogTests {
    @Test(arguments: TestEngine.all)
    func aSlowStatementIsLoggedWithItsSQLButNotItsValues(engine: TestEngine) async throws {
        // setup: a threshold of one microsecond, which every statement passes.
        let logs = CapturedLogs()
        let secret = "hunter2-do-not-log"
        try await withTestDatabase(engine, logger: logs.logger, slowStatementThreshold: .microseconds(1)) { database in
            // call
            _ = try await database.read { try await $0.raw("SELECT id FROM users WHERE username = \(bind: secret)").all() }
        }

        // check
        let slow = logs.all.filter { $0.message == "slow statement" && $0.metadata["sql"]?.contains("WHERE username = ") == true }
        #expect(slow.count == 1)
        let entry = try #require(slow.first)
        #expect(entry.level == .warning)
        #expect(entry.metadata["kind"] == "select")
        #expect(entry.metadata["sql"]?.contains(engine == .postgres ? "$1" : "?") == true, "\(entry.metadata)")
        #expect(Double(entry.metadata["duration_ms"] ?? "") != nil)
        #expect(!logs.all.contains { "\($0.message) \($0.metadata)".contains(secret) }, "a bound value reached the log")
    }

    @Test(arguments: TestEngine.all)
    func statementsUnderTheThresholdOrWithNoThresholdAreNotLogged(engine: TestEngine) async throws {
        let (high, off) = (CapturedLogs(), CapturedLogs())
        try await withTestDatabase(engine, logger: high.logger, slowStatementThreshold: .seconds(3600)) { database in
            _ = try await database.read { try await $0.raw("SELECT id FROM users WHERE username = \(bind: "x")").all() }
        }
        try await withTestDatabase(engine, logger: off.logger) { database in
            _ = try await database.read { try await $0.raw("SELECT id FROM users WHERE username = \(bind: "x")").all() }
        }
        #expect(!high.all.contains { $0.message == "slow statement" })
        #expect(!off.all.contains { $0.message == "slow statement" })
    }
}
