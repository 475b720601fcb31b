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
                let configuration = try SQLPostgresConfiguration(url: text).coreConfiguration
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1_000_000, logger: logger)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        // Listening from here on: what was cached before may have missed a change.
                        caches.clear(trusted: true)
                        delay = .milliseconds(100)
                        for try await notification in notifications { caches.heard(notification.payload) }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
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

extension CacheLimits {
    /// 10,000 entries and 16 MiB a cache.
    public static let standard = CacheLimits(entries: 10_000, bytes: 16 << 20)
}
