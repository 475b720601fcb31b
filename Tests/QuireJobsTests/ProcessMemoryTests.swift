#if canImport(Glibc)
import Foundation
import Glibc
import QuireJobs
import Testing

/// What the catalog jobs call between batches gives freed memory back to the system: without
/// it, glibc keeps the freed blocks of a batch resident for the arena's next allocations.
@Suite struct ProcessMemoryTests {
    @Test func freedMemoryLeavesTheProcessBetweenBatches() {
        // A batch's worth of small allocations (50 MB), then one more above them, so that
        // freeing the batch leaves no free space at the heap's top that free() would return itself.
        let blocks = (0..<200_000).map { _ -> UnsafeMutableRawPointer in
            let block = malloc(256)!
            memset(block, 1, 256)
            return block
        }
        let above = malloc(256)
        // Measured while the blocks live: the catalog jobs of other tests, running beside this
        // one, trim too, and could return the freed blocks before a measurement taken after free().
        let live = ProcessMemory.statusKiB("RssAnon")
        for block in blocks { free(block) }
        ProcessMemory.returnFreed()
        let after = ProcessMemory.statusKiB("RssAnon")
        free(above)
        // Other tests allocate beside this one; 20 of the 50 MB is far above what they move.
        #expect(live - after > 20_000, "anonymous memory \(live) kB with the blocks, \(after) kB once freed and trimmed")
    }

    /// Every `quire` process sets the threshold at start (`MemorySetup`); glibc must take it,
    /// or requests go back to handing memory back and taking it again (`ProcessMemory.trimThreshold`).
    @Test func glibcTakesTheTrimThreshold() {
        #expect(ProcessMemory.keepFreedSpace())
    }
}
#endif
