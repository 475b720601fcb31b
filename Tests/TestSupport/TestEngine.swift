import Foundation
import Testing

/// The engines every storage test runs on. PostgreSQL is left out only when scripts/test could
/// not start one outside CI (QUIRE_TEST_SKIP_POSTGRES=1); in CI it is never left out.
public enum TestEngine: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    public static var all: [TestEngine] {
        let environment = ProcessInfo.processInfo.environment
        if environment["QUIRE_TEST_SKIP_POSTGRES"] == "1", environment["CI"] != "true" { return [.sqlite] }
        return [.sqlite, .postgres]
    }

    public var testDescription: String { rawValue }

    /// Notes in scripts/test's tally file that a storage test ran on this engine.
    func tally() {
        guard let path = ProcessInfo.processInfo.environment["QUIRE_TEST_TALLY"],
              let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        // One short write to an O_APPEND-style end keeps concurrent tests' lines whole.
        handle.write(Data("\(rawValue)\n".utf8))
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
