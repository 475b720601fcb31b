import SQLKit
import Synchronization

/// What one write transaction changed that the caches hold, collected as it runs and handed to
/// them only once it has committed: a rolled-back write changed nothing.
///
/// Most changes drop their entries (`keys`). Counts are moved by deltas instead: a profile's or
/// a status's counts change with every follow, post, like and boost, and a drop each time left
/// the small mixed load's profile counts served from the cache for only 59% to 75% of reads. A
/// count's entry is held from the transaction's first delta to it (`EntityCache.hold`), and at
/// the commit the summed delta is added to it (`Caches.committed`), so it stays cached and exact.
final class TransactionChanges: Sendable {
    private struct State {
        var keys: Set<CacheKey> = []
        var profiles: [Int64: ProfileCounts] = [:]
        var statuses: [Int64: StatusCounts] = [:]
        /// Per reader: how many `following` keys were recorded, how many of those follows were
        /// of accounts read to be no broadcaster (`followedNoBroadcaster`), and the caches'
        /// `broadcastersEpoch` at the first key.
        var follows: [Int64: (keys: Int, noBroadcaster: Int, epoch: UInt64)] = [:]
    }

    private let state = Mutex(State())
    /// The caches whose count entries the transaction holds.
    private let caches: Caches

    init(caches: Caches) { self.caches = caches }

    /// `key`'s entries are dropped at the commit.
    func insert(_ key: CacheKey) {
        guard case .following(let reader) = key else {
            _ = state.withLock { $0.keys.insert(key) }
            return
        }
        // Taken before the statement that reads whether the followee is a broadcaster.
        let epoch = caches.broadcastersEpoch
        state.withLock { state in
            state.keys.insert(key)
            state.follows[reader, default: (0, 0, epoch)].keys += 1
        }
    }

    /// The reader's follow recorded by `following` was of an account read, after the key, to be
    /// no broadcaster: unless someone became one since the key was recorded (the caches'
    /// `broadcastersEpoch` moved), the list of broadcasters the reader follows stays as it was.
    func followedNoBroadcaster(_ reader: Int64) {
        state.withLock { state in state.follows[reader]?.noBroadcaster += 1 }
    }

    /// The readers whose every follow change in this transaction was of no broadcaster, with the
    /// epoch before the first.
    var unchangedBroadcasterLists: [Int64: UInt64] {
        state.withLock { state in
            state.follows.compactMapValues { $0.keys == $0.noBroadcaster ? $0.epoch : nil }
        }
    }

    /// `delta` is added to the user's cached profile counts at the commit.
    func add(_ delta: ProfileCounts, toProfileOf userID: Int64) {
        if state.withLock({ Self.sum(delta, into: &$0.profiles, at: userID) }) { caches.profileCounts.hold(userID) }
    }

    /// `delta` is added to the status's cached counts at the commit.
    func add(_ delta: StatusCounts, toCountsOf statusID: Int64) {
        if state.withLock({ Self.sum(delta, into: &$0.statuses, at: statusID) }) { caches.statusCounts.hold(statusID) }
    }

    /// Adds `delta` to `id`'s sum; true for the transaction's first delta to it, which holds the entry.
    private static func sum<Delta: CountDelta>(_ delta: Delta, into sums: inout [Int64: Delta], at id: Int64) -> Bool {
        let first = sums[id] == nil
        sums[id, default: Delta()].add(delta)
        return first
    }

    /// Every key changed, dropped or moved: what other processes are told.
    var all: Set<CacheKey> {
        state.withLock { state in
            state.keys.union(state.profiles.keys.map { .profileCounts($0) }).union(state.statuses.keys.map { .statusCounts($0) })
        }
    }

    /// The keys to drop and the deltas to add, once the transaction has ended.
    var contents: (keys: Set<CacheKey>, profiles: [Int64: ProfileCounts], statuses: [Int64: StatusCounts]) {
        state.withLock { ($0.keys, $0.profiles, $0.statuses) }
    }
}

/// Counts a write moves by deltas, summed per transaction and added to the cached entry.
protocol CountDelta: Sendable {
    init()
    mutating func add(_ delta: Self)
}

extension ProfileCounts: CountDelta {}
extension StatusCounts: CountDelta {}

extension SQLDatabase {
    /// Records that the write running on this connection changed `key`; the process's caches
    /// drop it when the transaction commits, and other processes when they are told.
    /// Every write to rows a cache holds must call this.
    public func changed(_ key: CacheKey) {
        (self as? MeteredSQLDatabase)?.changes?.insert(key)
    }

    /// Records that the write running on this connection adds `delta` to the user's profile
    /// counts, before the statement that does: the cached counts are held from now and updated
    /// when the transaction commits; other processes drop theirs.
    func changed(profileOf userID: Int64, by delta: ProfileCounts) {
        (self as? MeteredSQLDatabase)?.changes?.add(delta, toProfileOf: userID)
    }

    /// As `changed(profileOf:by:)`, for a status's like, boost and reply counts.
    func changed(countsOf statusID: Int64, by delta: StatusCounts) {
        (self as? MeteredSQLDatabase)?.changes?.add(delta, toCountsOf: statusID)
    }

    /// The follow just recorded (`CacheKey.following`) was of someone read, after it was
    /// recorded, to be no broadcaster (`TransactionChanges.followedNoBroadcaster`).
    func followedNoBroadcaster(_ reader: Int64) {
        (self as? MeteredSQLDatabase)?.changes?.followedNoBroadcaster(reader)
    }

    /// The process's caches, for a read outside any write transaction. Inside one they are not
    /// offered: an entry may predate what the transaction itself has just written.
    var readCaches: Caches? {
        guard let metered = self as? MeteredSQLDatabase, metered.changes == nil else { return nil }
        return metered.caches
    }
}
