import Metrics
import Synchronization

/// A bounded in-process cache of values read from the database, sized in entries and bytes,
/// evicting by CLOCK (an entry read since the hand last passed gets a second chance), with
/// `quire_cache_hits_total`, `quire_cache_misses_total` and `quire_cache_evictions_total` under
/// its name.
///
/// Never wrong, by three rules the callers follow:
/// - a value is looked up and stored only outside write transactions (`readCaches`);
/// - `generation` is taken before the database read, and `store` refuses the value when its key
///   was dropped since: the read may have begun before a write that has since committed and
///   been dropped here, and would otherwise put the old value back. A drop of another key doesn't
///   refuse it, since every write drops a few counts; the small mixed load's hit rates moved little
///   with this (profile counts 69% to 72% on SQLite, 57% to 56% on PostgreSQL): its misses are
///   first reads and the key's own drops.
/// - a count a write moves by a delta is held from the write's first change of it until it has
///   committed (`hold`, then `update`) or failed (`abandon`): while held no read's value is
///   stored, so the entry updated at the commit is the value just before it, and adding the delta
///   gives the value just after. The entry is still served while held: it is the value every
///   other connection reads until the write commits, and between the commit and `update` it is
///   as old as any entry is between a commit and its drop. Held counts went unserved before:
///   in the small PostgreSQL seed's mixed load (release, 20 s of warm-up, 10 s), profile counts
///   missed 158, 154 and 177 lookups of some 4,000 (95.7 to 96.4%), and served so 83, 97 and 67
///   (97.5 to 97.9%); a popular account's counts are held by many of the moments it is read.
///
/// What other processes write (PostgreSQL) is dropped when the listener hears it; nothing is
/// served while that may be late (`CacheFreshness`), so it is missed for under 80 ms at most.
public final class EntityCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var bytes: Int
        var referenced: Bool
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var ring: [Key] = []
        var hand = 0
        var bytes = 0
        var generation: UInt64 = 0
        /// The generation at which each recently dropped key was last dropped, and the generation
        /// before which drops are forgotten (past `rememberedDrops` keys the record starts again):
        /// a store whose read began before that is refused whatever its key.
        var dropped: [Key: UInt64] = [:]
        var forgottenBefore: UInt64 = 0
        /// False while the process can't be sure it hears of other processes' writes.
        var trusted: Bool
        /// Keys that write transactions in this process are changing, with how many of them are.
        var pending: [Key: Int] = [:]

        func isPending(_ key: Key) -> Bool { !pending.isEmpty && pending[key] != nil }
    }

    public let limits: CacheLimits
    private let state: Mutex<State>
    /// On PostgreSQL, whether this process has heard other processes' writes recently enough to
    /// serve (`CacheFreshness`); nil on SQLite, where there is no one else to hear.
    private let freshness: CacheFreshness?
    private let hits: Counter
    private let misses: Counter
    private let evictions: Counter

    init(name: String, limits: CacheLimits, trusted: Bool, freshness: CacheFreshness? = nil) {
        self.limits = limits
        self.state = Mutex(State(trusted: trusted))
        self.freshness = freshness
        self.hits = Counter(label: "quire_cache_hits_total", dimensions: [("cache", name)])
        self.misses = Counter(label: "quire_cache_misses_total", dimensions: [("cache", name)])
        self.evictions = Counter(label: "quire_cache_evictions_total", dimensions: [("cache", name)])
    }

    /// The cached value, counting the hit or the miss. `countingMiss: false` leaves a miss to
    /// the read through that follows it, so that one lookup is not counted as two misses;
    /// `counting: false` leaves both to `tally`, for a caller that decides afterwards whether
    /// the value serves.
    func value(_ key: Key, countingMiss: Bool = true, counting: Bool = true) -> Value? {
        let fresh = freshness?.isFresh ?? true
        let value = !fresh ? nil : state.withLock { state -> Value? in
            guard state.trusted else { return nil }
            state.entries[key]?.referenced = true
            return state.entries[key]?.value
        }
        if counting { tally(hit: value != nil, countingMiss: countingMiss) }
        return value
    }

    /// Counts a lookup as a hit or a miss.
    func tally(hit: Bool, countingMiss: Bool = true) {
        if hit { CacheTally.add(1, to: hits) } else if countingMiss { CacheTally.add(1, to: misses) }
    }

    /// The cached values of `keys` and the keys not cached, for a list: one lock and one count
    /// of hits and of misses for all of them (a home page looks up some 80 keys, and a lock and
    /// a metric each were 4% of its CPU).
    func values(_ keys: [Key]) -> (found: [Key: Value], missing: [Key]) {
        var found: [Key: Value] = Dictionary(minimumCapacity: keys.count)
        var missing: [Key] = []
        let fresh = freshness?.isFresh ?? true
        state.withLock { state in
            guard state.trusted, fresh else {
                missing = keys
                return
            }
            for key in keys {
                if let index = state.entries.index(forKey: key) {
                    state.entries.values[index].referenced = true
                    found[key] = state.entries.values[index].value
                } else {
                    missing.append(key)
                }
            }
        }
        let hitCount = keys.count - missing.count
        if hitCount > 0 { CacheTally.add(Int64(hitCount), to: hits) }
        if !missing.isEmpty { CacheTally.add(Int64(missing.count), to: misses) }
        return (found, missing)
    }

    /// Taken before the database read whose result goes to `store`.
    var generation: UInt64 { state.withLock { $0.generation } }

    func store(_ key: Key, _ value: Value, bytes: Int, generation: UInt64) {
        guard limits.entries > 0, bytes <= limits.bytes else { return }
        let evicted = state.withLock { state -> Int in
            guard state.trusted, generation >= state.forgottenBefore, (state.dropped[key] ?? 0) <= generation,
                  !state.isPending(key) else { return 0 }
            if let old = state.entries[key] {
                state.bytes += bytes - old.bytes
                state.entries[key] = Entry(value: value, bytes: bytes, referenced: true)
                return Self.evict(&state, limits: limits)
            }
            state.entries[key] = Entry(value: value, bytes: bytes, referenced: false)
            state.ring.append(key)
            state.bytes += bytes
            return Self.evict(&state, limits: limits)
        }
        if evicted > 0 { evictions.increment(by: Int64(evicted)) }
    }

    /// Keys whose drops are remembered one by one: a bound on memory (about 40 bytes a key).
    static var rememberedDrops: Int { 4096 }

    /// A freed slot takes the ring's last key, the newest stored, and the hand moves past it, so
    /// that key is looked at only when the hand comes round again, as in CLOCK's ring of slots.
    /// The hand used to stay on the slot, so the next store evicted the key stored just before
    /// it unless it had been read in between: in a full cache a list's rows, stored together,
    /// were gone before the next request asked for one of them (editions 35% of hits in the
    /// mixed load on a fresh large seed, with the cache evicting one entry a store).
    private static func evict(_ state: inout State, limits: CacheLimits) -> Int {
        var evicted = 0
        while state.entries.count > limits.entries || state.bytes > limits.bytes, !state.ring.isEmpty {
            if state.hand >= state.ring.count { state.hand = 0 }
            let key = state.ring[state.hand]
            guard let entry = state.entries[key] else {
                // Dropped by a write: its ring slot goes now.
                freeSlot(&state)
                continue
            }
            if entry.referenced {
                state.entries[key]?.referenced = false
                state.hand += 1
                continue
            }
            state.entries[key] = nil
            state.bytes -= entry.bytes
            freeSlot(&state)
            evicted += 1
        }
        return evicted
    }

    /// Removes the key under the hand from the ring: the last key takes its slot, and the hand
    /// moves on past it.
    private static func freeSlot(_ state: inout State) {
        state.ring.swapAt(state.hand, state.ring.count - 1)
        state.ring.removeLast()
        state.hand += 1
    }

    /// Drops `keys`' entries (a write committed); later stores of earlier reads are refused.
    func drop(_ keys: some Collection<Key>) {
        state.withLock { state in Self.drop(keys, from: &state) }
    }

    private static func drop(_ keys: some Collection<Key>, from state: inout State) {
        for key in keys {
            if let entry = state.entries.removeValue(forKey: key) { state.bytes -= entry.bytes }
        }
        refuseEarlierReads(of: keys, in: &state)
        // A ring slot whose key was dropped is reclaimed when the hand reaches it; past twice
        // the entries it is rebuilt so a run of drops can't grow it.
        if state.ring.count > 2 * state.entries.count + 64 {
            state.ring = Array(state.entries.keys)
            state.hand = 0
        }
    }

    /// A write transaction is about to change `key`'s value: until it calls `update` or
    /// `abandon`, no read's value is stored (the entry, if any, is served as it is).
    func hold(_ key: Key) {
        state.withLock { $0.pending[key, default: 0] += 1 }
    }

    /// The transaction that held `key` committed: `change` is applied to the entry, if cached, and
    /// the hold released. Reads begun before are refused, as after a drop: they may have read the
    /// value from before the commit or from after it.
    func update(_ key: Key, _ change: (inout Value) -> Void) {
        state.withLock { state in
            if let index = state.entries.index(forKey: key) { change(&state.entries.values[index].value) }
            Self.refuseEarlierReads(of: [key], in: &state)
            Self.release(key, in: &state)
        }
    }

    /// A committed write changed `keys`' values in a way `change` can apply to an entry (an entry
    /// added to a reader's home head): applied to those cached, each entry's size taken again by
    /// `bytes`; reads begun before are refused, as after a drop. For changes that give the same
    /// value whether or not the entry already had them, so an entry stored from a read after
    /// the commit and before this call is right either way, and no hold is needed.
    func revise(_ keys: some Collection<Key>, bytes: (Value) -> Int, _ change: (Key, inout Value) -> Void) {
        let evicted = state.withLock { state -> Int in
            for key in keys {
                guard let index = state.entries.index(forKey: key) else { continue }
                change(key, &state.entries.values[index].value)
                let size = bytes(state.entries.values[index].value)
                state.bytes += size - state.entries.values[index].bytes
                state.entries.values[index].bytes = size
            }
            Self.refuseEarlierReads(of: keys, in: &state)
            return Self.evict(&state, limits: limits)
        }
        if evicted > 0 { evictions.increment(by: Int64(evicted)) }
    }

    /// Stores of `keys` whose reads began before now are refused from now on.
    private static func refuseEarlierReads(of keys: some Sequence<Key>, in state: inout State) {
        state.generation &+= 1
        if state.dropped.count >= rememberedDrops {
            state.dropped.removeAll(keepingCapacity: true)
            state.forgottenBefore = state.generation
        }
        for key in keys { state.dropped[key] = state.generation }
    }

    /// The transaction that held `keys` failed, or may not have committed: their entries go.
    func abandon(_ keys: [Key]) {
        state.withLock { state in
            Self.drop(keys, from: &state)
            for key in keys { Self.release(key, in: &state) }
        }
    }

    private static func release(_ key: Key, in state: inout State) {
        guard let holds = state.pending[key] else { return }
        state.pending[key] = holds > 1 ? holds - 1 : nil
    }

    /// Empties the cache, and serves nothing until `trust` when `trusted` is false: the process
    /// may have missed other processes' writes (its listening connection was lost).
    func clear(trusted: Bool) {
        state.withLock { state in
            Self.removeAll(from: &state)
            state.trusted = trusted
        }
    }

    /// Drops every entry, serving on as before: a write changed what any entry may hold (a new
    /// edition may join any search's page). Stores of earlier reads are refused, as after `drop`.
    func dropAll() {
        state.withLock { Self.removeAll(from: &$0) }
    }

    private static func removeAll(from state: inout State) {
        // The holds stay: their transactions still end with `update` or `abandon`.
        state.generation &+= 1
        state.dropped.removeAll()
        state.forgottenBefore = state.generation
        state.entries.removeAll()
        state.ring.removeAll()
        state.hand = 0
        state.bytes = 0
    }

    var isTrusted: Bool { state.withLock { $0.trusted } }

    /// Entries and bytes held, for tests and the gauge.
    var size: (entries: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.bytes) } }
}

/// How much one cache may hold. `entries` 0 turns it off.
public struct CacheLimits: Sendable, Equatable {
    public var entries: Int
    public var bytes: Int

    public init(entries: Int, bytes: Int) {
        self.entries = entries
        self.bytes = bytes
    }
}
