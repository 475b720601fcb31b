import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `quire` process started from the built binary, for tests of what only a process shows:
/// signals, exit status, ports, the one-line startup errors.
public final class QuireProcess: @unchecked Sendable {
    public let process = Process()
    private let stderr = Pipe()

    /// The `quire` binary SwiftPM built beside the test bundle.
    public static var binary: URL {
        get throws {
            let folder = Bundle.main.bundleURL
            let executableFolder = Bundle.main.executableURL?.deletingLastPathComponent() ?? folder
            for candidate in [executableFolder, folder, folder.appendingPathComponent("debug"), folder.deletingLastPathComponent()] {
                let url = candidate.appendingPathComponent("quire")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw TestSetupError("no quire binary beside \(folder.path): build it with swift build before swift test")
        }
    }

    /// `log`, when given, is a file that receives the process's standard output (its log lines).
    public init(_ arguments: [String], environment: [String: String] = [:], log: URL? = nil) throws {
        process.executableURL = try Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("QUIRE_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardError = stderr
        // Logs go to a file or nowhere: an unread pipe would fill up and stall a chatty process.
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        // One launch at a time across the test process: a CI run crashed inside Foundation's
        // Process.run() (a memcpy past a page, signal 11) while parallel suites started servers.
        try Self.launching.withLock { _ in try process.run() }
    }

    private static let launching = Mutex(())

    /// A port nobody listens on right now: the kernel picks it for a socket bound to port 0.
    /// (A random pick collided with a port in use once.)
    public static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { return Int.random(in: 20_000...60_000) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `GET url` until it answers 200 or `timeout` passes.
    public func waitUntilReady(_ url: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestSetupError("quire exited early: \(standardError)") }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url)!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSetupError("quire did not become ready at \(url) within \(timeout)")
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit; nil if it is still running after `timeout` (then it is killed).
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// What the process wrote to standard error (read after it exited).
    public var standardError: String {
        guard !process.isRunning else { return "" }
        return String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
