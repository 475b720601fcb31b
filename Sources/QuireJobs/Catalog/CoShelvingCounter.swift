/// Counts, for one work at a time, how many of its sampled readers shelved each other work, in a
/// compact array indexed by work id (4 bytes a work, allocated once for the run) instead of a
/// dictionary per work; only the entries a work touched are read back and cleared, so each work
/// costs the pairs it has, never the size of the catalog.
struct CoShelvingCounter {
    private var counts: [UInt32]
    private var touched: [Int] = []
    private var top: TopWorks

    init(maxWorkID: Int64, keep: Int) {
        counts = Array(repeating: 0, count: Int(max(maxWorkID, 0)) + 1)
        top = TopWorks(capacity: keep)
    }

    /// Adds one sampled reader's works for `work` (the work itself is not its own neighbour).
    mutating func add(readerWorks: ArraySlice<Int64>, of work: Int64) {
        for other in readerWorks where other != work && other > 0 {
            let index = Int(other)
            // A work made after the run started (so above the highest id seen then).
            if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
            if counts[index] == 0 { touched.append(index) }
            counts[index] &+= 1
        }
    }

    /// The best works of the work just counted, best first, and a clean slate for the next.
    mutating func finish() -> [TopWorks.Entry] {
        for index in touched {
            top.offer(TopWorks.Entry(work: Int64(index), shared: counts[index]))
            counts[index] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return top.drain()
    }
}
