import Foundation
@testable import QuireStore
import SQLKit
import TestSupport
import Testing

/// A read is first tried from the caches alone (`CacheFirstRead`): one that needs no statement
/// takes no connection, so it never waits behind reads that hold them all; one that does is run
/// again on a connection, and what it found in the caches is counted once.
@Suite struct CacheFirstReadTests {
    @Test(arguments: TestEngine.all)
    func aReadThatNeedsNoStatementDoesNotWaitForABusyPool(engine: TestEngine) async throws {
        try await withTestDatabase(engine, poolSize: 1) { database in
            // setup: the pool's one connection held for a second by a read that has run a statement
            let holding = AsyncStream<Void>.makeStream()
            async let held: Void = database.read { db in
                _ = try await db.raw("SELECT 1").all()
                holding.continuation.yield()
                try await Task.sleep(for: .seconds(1))
            }
            for await _ in holding.stream { break }

            // call: a read with no statement, one with a statement, and one that swallows the
            // refusal of its first try and answers anyway
            let clock = ContinuousClock()
            let start = clock.now
            let cached = try await database.read { _ in 42 }
            let cachedTook = clock.now - start
            async let statement = database.read { try await $0.raw("SELECT 7 AS n").first()?.decode(column: "n", as: Int.self) }
            async let swallowing = database.read { db in
                (try? await db.raw("SELECT 8 AS n").first()?.decode(column: "n", as: Int.self)) ?? -1
            }
            let (answered, swallowed) = try await (statement, swallowing)
            let statementsTook = clock.now - start
            try await held

            // check
            #expect(cached == 42)
            #expect(cachedTook < .milliseconds(300), "a read with no statement waited for the held connection: \(cachedTook)")
            #expect(answered == 7)
            #expect(swallowed == 8, "a body that swallowed the try's refusal kept its answer from the caches alone")
            #expect(statementsTook > .milliseconds(500), "the reads with statements didn't wait for the held connection: \(statementsTook)")
        }
    }

    @Test(arguments: TestEngine.all)
    func whatAReadFoundInTheCachesBeforeItsFirstStatementIsCountedOnce(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a cache of its own (its own series in the process's metrics), key 1 cached
            let name = "cache-first-\(UUID().uuidString.prefix(8))"
            let cache = EntityCache<Int64, String>(name: name, limits: CacheLimits(entries: 10, bytes: 1_000), trusted: true)
            cache.store(1, "one", bytes: 10, generation: cache.generation)

            // call: a read that hits key 1 and misses key 2 before its statement, and one that
            // hits key 1 and needs no statement
            let rows = try await database.read { db in
                _ = cache.value(1)
                _ = cache.values([2])
                return try await db.raw("SELECT 1 AS n").all().count
            }
            let cached = try await database.read { _ in cache.value(1) }

            // check: two hits and one miss, not the first read's twice
            let metrics = MetricsScrape.process()
            #expect(rows == 1)
            #expect(cached == "one")
            #expect(metrics.value("quire_cache_hits_total", ["cache": name]) == 2)
            #expect(metrics.value("quire_cache_misses_total", ["cache": name]) == 1)
        }
    }
}
