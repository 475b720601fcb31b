import Logging
import PostgresKit
import PostgresNIO

/// On PostgreSQL, hears every other process's committed cache changes (`Database.notify` sends
/// them inside the writing transaction, so PostgreSQL delivers them at commit) and drops them
/// from this process's caches.
///
/// It listens on a connection of its own, not one of the pool's, so that losing it is seen: the
/// caches are emptied and serve nothing from the moment it is lost until it listens again (what
/// other processes wrote meanwhile was never heard), and are emptied once more then.
struct CacheListener: Sendable {
    static let channel = "quire_cache"

    let url: DatabaseURL
    let caches: Caches
    let logger: Logger

    func run() async {
        guard case .postgres(let text) = url else { return }
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let connection = try await connect(text)
                do {
                    try await listen(on: connection)
                    // Listening from here on: what was cached before may have missed a change.
                    caches.clear(trusted: true)
                    delay = .milliseconds(100)
                    // Not a child task, which the listener would wait for once the connection is
                    // gone: an echo caught on a connection closed under it can stay unanswered.
                    // As a child task it hung the test that cuts the listener 2 times in 12 (the
                    // listener, and with it the process's shutdown, waited for ever); not, 0 in 12.
                    // One such task is left behind at most for each connection lost.
                    let echoes = Task { try await echo(on: connection) }
                    defer { echoes.cancel() }
                    try await withTaskCancellationHandler {
                        try await connection.closeFuture.get()
                    } onCancel: {
                        _ = connection.close() as EventLoopFuture<Void>
                    }
                    try Task.checkCancellation()
                    throw CacheListenerError.connectionClosed
                } catch {
                    try? await connection.close()
                    throw error
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("cache listener lost its connection; caches are off until it is back", metadata: ["error": "\(error)"])
            }
            caches.clear(trusted: false)
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

extension CacheListener {
    /// The listener's own connection, named so in `pg_stat_activity`.
    func connect(_ url: String) async throws -> PostgresConnection {
        var configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        configuration.options.additionalStartupParameters.append(("application_name", "quire cache listener"))
        return try await PostgresConnection.connect(configuration: configuration, id: 1_000_000, logger: logger)
    }

    /// Drops each change as the connection's event loop reads it, in PostgresNIO's callback: not
    /// through an async sequence, whose consuming task must first be scheduled. On a loaded
    /// machine that second wake-up left a drop waiting long enough (177 ms once, in the full test
    /// suite on 2 cores) for a read to serve the old value.
    ///
    /// The listeners are added on the connection's event loop, after checking there that it is
    /// open: PostgresNIO traps (`preconditionFailure`, "Notification closure had not been used")
    /// when a listener is handed to a closed connection, whose pipeline drops it unused. A
    /// connection can be closed as `connect` returns it, when the task is cancelled at that
    /// moment (its cancel handler closes the channel): `quire users grant-admin` on PostgreSQL,
    /// whose work is over before the listener has connected, crashed 3 times in 400 runs so.
    /// On the loop, an open connection's pipeline takes the listener at once, and a close can
    /// only come after it, which fails the listener cleanly.
    func listen(on connection: PostgresConnection) async throws {
        let caches = caches
        let added = try await connection.eventLoop.submit { () -> Bool in
            guard !connection.isClosed else { return false }
            connection.addListener(channel: Self.channel) { _, notification in caches.heard(notification.payload) }
            if let freshness = caches.freshness {
                connection.addListener(channel: freshness.channel) { _, notification in freshness.heard(notification.payload) }
            }
            return true
        }.get()
        guard added else { throw CacheListenerError.connectionClosed }
        guard let freshness = caches.freshness else { return }
        // Adding a channel's first listener sends LISTEN; a statement written after it answers
        // after it. Asking the session which channels it listens on also catches a LISTEN that failed.
        let rows = try await connection.query("SELECT pg_listening_channels() AS channel", logger: logger)
        var channels: [String] = []
        for try await (channel) in rows.decode(String.self) { channels.append(channel) }
        guard channels.contains(Self.channel), channels.contains(freshness.channel) else { throw CacheListenerError.notListening }
    }

    /// Sends an echo every `CacheFreshness.echoInterval` until the connection fails or the task
    /// is cancelled. Each is its own transaction: a notification is sent at its commit.
    func echo(on connection: PostgresConnection) async throws {
        guard let channel = caches.freshness?.channel else { return }
        while true {
            let rows = try await connection.query("SELECT pg_notify(\(channel), \(CacheFreshness.payload()))", logger: logger)
            for try await _ in rows {}
            try await Task.sleep(for: CacheFreshness.echoInterval)
        }
    }
}

enum CacheListenerError: Error {
    /// The listening connection closed (the server restarted, the network failed).
    case connectionClosed
    /// LISTEN did not take: the session does not list the channel.
    case notListening
}

extension CacheLimits {
    /// 100,000 entries and 16 MiB a cache. The bytes bound the memory; the entries were 10,000
    /// until the large mixed load filled them: after 60 s of it on PostgreSQL, the statuses cache
    /// served 94.3% of its reads with 10,000 entries (2,938 evicted) and 97.8% with 100,000 (none
    /// evicted), at the same 23 to 26 MiB of the process's own memory.
    public static let standard = CacheLimits(entries: 100_000, bytes: 16 << 20)
}
