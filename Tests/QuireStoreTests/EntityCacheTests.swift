@testable import QuireStore
import Testing

/// The rule that keeps a cache from being wrong (`EntityCache.store`): a value read before its key
/// was dropped is refused, and only then. No database here: the cache's own bookkeeping.
@Suite struct EntityCacheTests {
    private static func cache() -> EntityCache<Int64, String> {
        EntityCache(name: "test", limits: CacheLimits(entries: 100, bytes: 100_000), trusted: true)
    }

    @Test func aValueReadBeforeItsKeyWasDroppedIsRefused() {
        // setup: a read begins, then a write to its key commits
        let cache = Self.cache()
        let generation = cache.generation
        cache.drop([1])

        // call: the read, which may have seen the old row, finishes
        cache.store(1, "old", bytes: 10, generation: generation)

        // check
        #expect(cache.value(1) == nil)
    }

    @Test func aValueReadBeforeAnotherKeyWasDroppedIsKept() {
        // setup
        let cache = Self.cache()
        let generation = cache.generation
        cache.drop([2])

        // call
        cache.store(1, "current", bytes: 10, generation: generation)

        // check
        #expect(cache.value(1) == "current")
    }

    @Test func aReadOlderThanTheRememberedDropsIsRefused() {
        // setup: more keys dropped than are remembered one by one, the read's key among the first
        let cache = Self.cache()
        let generation = cache.generation
        cache.drop([1])
        for key in 2...Int64(EntityCache<Int64, String>.rememberedDrops + 1) { cache.drop([key]) }

        // call
        cache.store(1, "old", bytes: 10, generation: generation)
        cache.store(99_999, "unknown", bytes: 10, generation: generation)

        // check: the first was dropped after the read began; of the second nothing is known any more
        #expect(cache.value(1) == nil)
        #expect(cache.value(99_999) == nil)
    }

    @Test func aReadBeganAfterTheDropIsKept() {
        // setup
        let cache = Self.cache()
        cache.drop([1])
        let generation = cache.generation

        // call
        cache.store(1, "new", bytes: 10, generation: generation)

        // check
        #expect(cache.value(1) == "new")
    }

    // A full cache evicts by CLOCK: what was stored or read since the hand last passed stays.

    /// Stores `keys` one by one, each read after the cache's generation as a read through does.
    private static func fill(_ cache: EntityCache<Int64, String>, _ keys: ClosedRange<Int64>) {
        for key in keys { cache.store(key, "value \(key)", bytes: 10, generation: cache.generation) }
    }

    @Test func aFullCacheKeepsTheRowsOfAListStoredTogether() {
        // setup: a cache at its limit of 100 entries
        let cache = Self.cache()
        Self.fill(cache, 1...100)

        // call: a list's 50 rows, none cached, are read through and stored
        Self.fill(cache, 101...150)

        // check: the next request finds every one of them; 50 of the older entries made room
        let (found, _) = cache.values(Array(101...150))
        #expect(found.count == 50)
        #expect(cache.values(Array(1...100)).found.count == 50)
    }

    @Test func anEntryReadSinceTheHandPassedOutlivesTheOthers() {
        // setup: a full cache, 10 of whose entries are read
        let cache = Self.cache()
        Self.fill(cache, 1...100)
        _ = cache.values(Array(1...10))

        // call: 90 new entries take the place of 90 old ones
        Self.fill(cache, 101...190)

        // check: the 10 read are the old ones kept
        #expect(cache.values(Array(1...10)).found.count == 10)
        #expect(cache.values(Array(101...190)).found.count == 90)
    }

    // A count moved by a write (`hold`, then `update` at its commit): the entry is updated in
    // place, and never counts the write twice or misses it.

    private static func counts() -> EntityCache<Int64, Int> {
        EntityCache(name: "test_counts", limits: CacheLimits(entries: 100, bytes: 100_000), trusted: true)
    }

    @Test func aHeldCountIsServedAsCommittedAndAtTheCommitShowsTheDelta() {
        // setup: the count is cached at 5; a write holds it
        let cache = Self.counts()
        cache.store(1, 5, bytes: 10, generation: cache.generation)
        cache.hold(1)

        // call and check: 5 while the write runs (what the database answers any other reader
        // until it commits), then 5 + 1 once it commits
        #expect(cache.value(1) == 5)
        #expect(cache.values([1]).found == [1: 5])
        cache.update(1) { $0 += 1 }
        #expect(cache.value(1) == 6)
    }

    @Test func aReadThatMaySeeTheCommitIsNotStoredBesideTheDelta() {
        // setup: nothing cached; a write holds the count; a read begins
        let cache = Self.counts()
        cache.hold(1)
        let during = cache.generation

        // call: the read finishes while the write is held, with the value after the commit (6)
        cache.store(1, 6, bytes: 10, generation: during)
        let whileHeld = cache.value(1)
        // the same read again, finishing after the commit's update
        cache.update(1) { $0 += 1 }
        cache.store(1, 6, bytes: 10, generation: during)

        // check: neither stored, where storing would have let a later update count the write twice;
        // a read begun after the commit is
        #expect(whileHeld == nil)
        #expect(cache.value(1) == nil)
        cache.store(1, 6, bytes: 10, generation: cache.generation)
        #expect(cache.value(1) == 6)
    }

    @Test func twoWritesHoldingOneCountEachAddTheirDelta() {
        // setup: cached at 5; two writes hold it
        let cache = Self.counts()
        cache.store(1, 5, bytes: 10, generation: cache.generation)
        cache.hold(1)
        cache.hold(1)

        // call: the first commits; the second still runs
        cache.update(1) { $0 += 1 }
        let betweenCommits = cache.value(1)
        cache.update(1) { $0 += 10 }

        // check: the first write's count between the commits, both after
        #expect(betweenCommits == 6)
        #expect(cache.value(1) == 16)
    }

    @Test func aFailedWriteDropsTheCountItHeld() {
        // setup: cached at 5; a write holds it and fails (or its COMMIT's answer is lost)
        let cache = Self.counts()
        cache.store(1, 5, bytes: 10, generation: cache.generation)
        cache.hold(1)

        // call
        cache.abandon([1])

        // check: gone rather than guessed, and the next read's value is kept
        #expect(cache.value(1) == nil)
        cache.store(1, 5, bytes: 10, generation: cache.generation)
        #expect(cache.value(1) == 5)
    }
}
