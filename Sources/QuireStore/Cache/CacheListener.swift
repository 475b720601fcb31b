import Logging
import NIOCore
import NIOPosix
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
                    let echoes = echo(on: connection)
                    defer { echoes?.cancel() }
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
        return try await PostgresConnection.connect(on: Self.loop, configuration: configuration, id: 1_000_000, logger: logger)
    }

    /// The loop the listener's connection reads and its echoes are sent on: one thread of its
    /// own, whatever else keeps the process's loops busy. On the shared loops, with Swift's tasks
    /// running there too (a busy PostgreSQL process, 64 connections on 2 cores), an echo came
    /// back in 21 ms on average instead of 0.95, so the caches often stopped serving
    /// (`CacheFreshness.bound`): 18,657 lookups sent to the database in 20 s instead of 480.
    static let loop: any EventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()

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

    /// Sends an echo `CacheFreshness.echoInterval` after the last one's answer until cancelled,
    /// on the connection's own loop (`loop`): no Swift task, which would wait for a turn on
    /// Swift's executor, stands between two echoes. Each is its own transaction: a notification
    /// is sent at its commit. An echo failing (the connection closed) changes nothing: the
    /// listener sees the connection close and cancels the echoes.
    func echo(on connection: PostgresConnection) -> RepeatedTask? {
        guard let channel = caches.freshness?.channel else { return nil }
        return connection.eventLoop.scheduleRepeatedAsyncTask(initialDelay: .zero, delay: CacheFreshness.echoInterval) { _ in
            connection.query("SELECT pg_notify($1, $2)", [PostgresData(string: channel), PostgresData(string: CacheFreshness.payload())])
                .map { _ in }
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
