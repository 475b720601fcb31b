import Foundation

/// A progress bar on standard error when it is a terminal; otherwise one line per finished part.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    /// Names the command in the lines written when standard error is not a terminal.
    let command: String
    private let lock = NSLock()
    private var lastTable = ""
    private let start = ContinuousClock.now

    init(enabled: Bool, command: String) {
        self.enabled = enabled
        self.command = command
    }

    func show(_ table: String, _ done: Int, _ total: Int) {
        guard total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard enabled else {
            let seconds = Seed.seconds(start.duration(to: .now))
            if done >= total { FileHandle.standardError.write(Data("\(command): \(table) \(total) done at \(String(format: "%.1f", seconds)) s\n".utf8)) }
            return
        }
        if table != lastTable, !lastTable.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
        lastTable = table
        let width = 30
        let filled = min(width, done * width / total)
        let line = "\r\(table.padding(toLength: 14, withPad: " ", startingAt: 0)) [\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(done * 100 / total)% \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
