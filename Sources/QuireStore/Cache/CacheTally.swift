import Metrics
import Synchronization

/// Cache hits and misses held back while a read is tried from the caches alone
/// (`CacheFirstRead`): counted when the try answers, and dropped when the read runs again on a
/// connection, which counts its own. Without it a read that misses once would count its earlier
/// hits twice, and `quire_cache_hits_total` would overstate every cache.
final class CacheTally: Sendable {
    @TaskLocal static var current: CacheTally?

    private let held = Mutex<[(Counter, Int64)]>([])

    /// Counts `n` on `counter` now, or holds it back when a cache-first try is running.
    static func add(_ n: Int64, to counter: Counter) {
        if let tally = current {
            tally.held.withLock { $0.append((counter, n)) }
        } else {
            counter.increment(by: n)
        }
    }

    /// Counts what was held back.
    func count() {
        for (counter, n) in held.withLock({ $0 }) { counter.increment(by: n) }
    }
}
