/// Counts, for one work at a time, how many of its sampled readers shelved each other work.
///
/// The counts live in an open-addressing table: two flat arrays of work ids and 4-byte counts,
/// no dictionary and no object per pair. The table is sized by the most distinct works a single
/// work has touched (at most `readers_per_work * works_per_reader`, the job's sampling bound),
/// never by the catalog: an array indexed by work id, which this was, costs 4 bytes for every
/// work there is, 2 MB of a 500,000-work catalog that the small scale never paid, and issue 15
/// holds the large scale's peak to within 20% of the small's. Only the slots a work used are read
/// back and cleared, so each work costs the pairs it has.
struct CoShelvingCounter {
    /// 0 marks an empty slot: work ids start at 1.
    private var keys: [Int64]
    private var counts: [UInt32]
    private var used: [Int] = []
    private var top: TopWorks

    /// `capacity`: the distinct works one work is expected to touch; the table doubles past it.
    init(keep: Int, capacity: Int = 512) {
        let slots = Self.slots(for: capacity)
        keys = Array(repeating: 0, count: slots)
        counts = Array(repeating: 0, count: slots)
        top = TopWorks(capacity: keep)
    }

    /// Adds one sampled reader's works for `work` (the work itself is not its own neighbour).
    mutating func add(readerWorks: ArraySlice<Int64>, of work: Int64) {
        for other in readerWorks where other != work && other > 0 {
            // At most half full, so a probe ends after a slot or two.
            if (used.count + 1) * 2 > keys.count { grow() }
            let mask = keys.count - 1
            var slot = Self.home(of: other, mask: mask)
            while true {
                let key = keys[slot]
                if key == other {
                    counts[slot] &+= 1
                    break
                }
                if key == 0 {
                    keys[slot] = other
                    counts[slot] = 1
                    used.append(slot)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The best works of the work just counted, best first, and a clean slate for the next.
    mutating func finish() -> [TopWorks.Entry] {
        for slot in used {
            top.offer(TopWorks.Entry(work: keys[slot], shared: counts[slot]))
            keys[slot] = 0
            counts[slot] = 0
        }
        used.removeAll(keepingCapacity: true)
        return top.drain()
    }

    /// The table's slots now, for the test that holds it to the works touched, not the catalog.
    var slotCount: Int { keys.count }

    /// Doubles the table and puts back the entries of the work being counted.
    private mutating func grow() {
        let entries = used.map { (keys[$0], counts[$0]) }
        let slots = keys.count * 2
        keys = Array(repeating: 0, count: slots)
        counts = Array(repeating: 0, count: slots)
        used.removeAll(keepingCapacity: true)
        let mask = slots - 1
        for (key, count) in entries {
            var slot = Self.home(of: key, mask: mask)
            while keys[slot] != 0 { slot = (slot + 1) & mask }
            keys[slot] = key
            counts[slot] = count
            used.append(slot)
        }
    }

    /// Fibonacci hashing: neighbouring ids (a reader's works often are) land far apart.
    private static func home(of work: Int64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: work) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// A power of two at least twice `capacity`, so the expected works fill at most half.
    private static func slots(for capacity: Int) -> Int {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        return slots
    }
}
