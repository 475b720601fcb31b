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
}
