import Metrics
import NIOCore
import Synchronization

/// On PostgreSQL, how far this process may be behind other processes' writes, and whether that
/// is little enough for its caches to serve.
///
/// A change reaches the caches some time after its write committed: PostgreSQL signals the
/// listening backend, which sends the notification, and this process's event loop reads it. On a
/// loaded machine that took 110 ms once (the full test suite in a fresh clone, 8 tests at once on
/// 2 cores), and nothing bounded it. So the listener echoes: every `echoInterval` it notifies a
/// channel only it listens on, with the time it sent the echo. PostgreSQL delivers notifications
/// in the order their transactions committed, so when the echo sent at T is heard, every change
/// committed before T has been heard and dropped. The caches serve only while the last echo heard
/// was sent less than `bound` ago; otherwise their reads go to the database. A stale entry can
/// then be served only to a read begun less than `bound` after the write it misses answered: that
/// write committed after the last echo's T (or it would have been heard), and the read is less
/// than `bound` after T.
final class CacheFreshness: Sendable {
    /// 80 ms: under the 100 ms within which another process's write must be seen, with room for
    /// an idle echo's age (up to `echoInterval` and a round trip, about 21 ms) to wait for a busy
    /// event loop before the caches stop serving.
    static let bound: UInt64 = 80_000_000
    static let echoInterval = TimeAmount.milliseconds(20)

    /// The echoes' channel: this process's alone, so no other process hears them.
    let channel: String
    /// When the last echo heard was sent (`NIODeadline`'s nanoseconds); 0: none yet.
    private let heardSentAt = Atomic<UInt64>(0)
    /// Each echo's trip, sent to heard: how far behind this process hears other processes'
    /// changes, for an operator to see why the caches' misses rise.
    private let trips = Metrics.Timer(label: "quire_cache_echo_seconds")
    /// Lookups refused because the last echo was too old (the listener listening): so an
    /// operator, and a test, can tell a miss the freshness check made from a missing entry.
    private let behind = Atomic<Int>(0)
    private let behindMetric = Metrics.Counter(label: "quire_cache_behind_total")

    init(origin: String) {
        channel = "quire_cache_echo_" + origin
    }

    /// The payload of an echo sent now.
    static func payload() -> String { String(NIODeadline.now().uptimeNanoseconds) }

    /// An echo came back, after every change committed before it was sent.
    func heard(_ payload: String) {
        guard let sentAt = UInt64(payload) else { return }
        heardSentAt.store(sentAt, ordering: .releasing)
        trips.recordNanoseconds(NIODeadline.now().uptimeNanoseconds &- sentAt)
    }

    /// The listener stopped listening: nothing is fresh until an echo is heard again.
    func forget() { heardSentAt.store(0, ordering: .releasing) }

    var isFresh: Bool {
        let sentAt = heardSentAt.load(ordering: .acquiring)
        guard sentAt != 0 else { return false }
        guard NIODeadline.now().uptimeNanoseconds &- sentAt < Self.bound else {
            behind.add(1, ordering: .relaxed)
            behindMetric.increment()
            return false
        }
        return true
    }

    /// How many times `isFresh` has said no for an echo heard too long ago.
    var timesBehind: Int { behind.load(ordering: .relaxed) }
}
