import SQLKit
import Synchronization

/// The cache keys one write transaction changed, collected as it runs and handed to the caches
/// only once it has committed: a rolled-back write changed nothing.
final class TransactionChanges: Sendable {
    private let keys = Mutex<Set<CacheKey>>([])

    func insert(_ key: CacheKey) { _ = keys.withLock { $0.insert(key) } }

    var all: Set<CacheKey> { keys.withLock { $0 } }
}

extension SQLDatabase {
    /// Records that the write running on this connection changed `key`; the process's caches
    /// drop it when the transaction commits, and other processes when they are told.
    /// Every write to rows a cache holds must call this.
    public func changed(_ key: CacheKey) {
        (self as? MeteredSQLDatabase)?.changes?.insert(key)
    }

    /// The process's caches, for a read outside any write transaction. Inside one they are not
    /// offered: an entry may predate what the transaction itself has just written.
    var readCaches: Caches? {
        guard let metered = self as? MeteredSQLDatabase, metered.changes == nil else { return nil }
        return metered.caches
    }
}
