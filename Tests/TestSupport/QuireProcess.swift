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
///
/// Started with posix_spawn, not Foundation's Process: in Swift 6.3.1 `Process.run()` reads 256
/// bytes of each `/proc/self/fd` entry's name past glibc's buffer
/// (swiftlang/swift-corelibs-foundation#5472), and with the many sockets a parallel test run holds
/// it crashed the test process with signal 11 in two CI runs of four.
public final class QuireProcess: @unchecked Sendable {
    private let pid: pid_t
    /// The exit status once reaped; `waitpid` may reap a child only once.
    private let exit = Mutex<Int32?>(nil)
    private let stderrPath: String

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
        let path = try Self.binary.path
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("QUIRE_") }
        env.merge(environment) { $1 }
        stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("quire-stderr-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Logs go to a file or nowhere: an unread pipe would fill up and stall a chatty process.
        posix_spawn_file_actions_addopen(&actions, 1, log?.path ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The test process's sockets and files stay out of the child (glibc 2.34's closefrom
        // action, which the Swift Glibc module does not declare).
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw TestSetupError("cannot start \(path): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

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
            guard isRunning else { throw TestSetupError("quire exited early: \(standardError)") }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: url)!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSetupError("quire did not become ready at \(url) within \(timeout)")
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Whether the process has not exited yet (reaping it when it has).
    public var isRunning: Bool {
        exit.withLock { exit in
            guard exit == nil else { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            // Exited: its code; killed by a signal: 128 + the signal, as a shell says.
            exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return false
        }
    }

    /// Waits for the process to exit; nil if it is still running after `timeout` (then it is killed).
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isRunning {
            kill(pid, SIGKILL)
            exit.withLock { exit in
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                exit = 128 + SIGKILL
            }
            return nil
        }
        return exit.withLock { $0 }
    }

    /// What the process wrote to standard error (read after it exited).
    public var standardError: String {
        guard !isRunning else { return "" }
        return (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: stderrPath)
    }
}
