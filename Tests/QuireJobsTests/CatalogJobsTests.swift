import Foundation
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

/// The nightly catalog jobs (issue 15) against a recount of every row of a small database.
@Suite struct CatalogJobsTests {
    /// Runs `kind` with `args` through a worker and returns the finished job.
    static func run(_ kind: String, args: String = "{}", on queue: JobQueue) async throws -> JobRecord {
        let (job, _) = try await queue.enqueue(NewJob(kind: kind, args: args))
        return try await waitForJob(job.id, on: queue.database) { $0.state.isFinished }
    }

    @Test(arguments: TestEngine.all)
    func statisticsEqualADirectRecount(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup
            try await CatalogRecount.seed(database)
            let recount = try await CatalogRecount.load(database)

            // call: small batches, so the keyset walk crosses many batch edges
            let job = try await withWorkers(database, registry: .standard) { try await Self.run(CatalogStatsJob.name, args: #"{"batch_size": 3}"#, on: $0) }

            // check
            #expect(job.state == .succeeded, "\(job.lastError ?? "")")
            let stored = try await CatalogRecount.stored(database)
            #expect(stored.works == recount.works.map(recount.workStats))
            #expect(stored.authors == recount.authors.map(recount.authorStats))
            #expect(stored.works.contains { $0.ratingsCount > 0 } && stored.works.contains { $0.readers > 0 }, "the seed rated and shelved something")
            let privateOnly = recount.shelvings.filter { $0.privacy != "public" }.map(\.work)
            #expect(!privateOnly.isEmpty, "the seed has shelvings that must not count")
        }
    }

    @Test(arguments: TestEngine.all)
    func similarWorksEqualABruteForceOnASmallGraph(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: no work has more readers than the sample bound, no reader more works
            try await CatalogRecount.seed(database)
            let recount = try await CatalogRecount.load(database)
            #expect((recount.readers.values.map(\.count).max() ?? 0) <= 100)
            let worksPerReader = Dictionary(grouping: recount.shelvings.filter { $0.privacy == "public" }, by: \.user).mapValues { Set($0.map(\.work)).count }
            #expect((worksPerReader.values.max() ?? 0) <= 50)

            // call
            let job = try await withWorkers(database, registry: .standard) { try await Self.run(CatalogSimilarJob.name, args: #"{"batch_size": 4}"#, on: $0) }

            // check
            #expect(job.state == .succeeded, "\(job.lastError ?? "")")
            let expected = recount.similar()
            #expect(expected.count > 20, "the graph has lists to compare")
            #expect(try await CatalogRecount.stored(database).similar == expected)
        }
    }

    @Test(arguments: TestEngine.all)
    func aRunCancelledHalfwayThenRunAgainGivesTheSameResult(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup
            try await CatalogRecount.seed(database)
            let recount = try await CatalogRecount.load(database)

            try await withWorkers(database, registry: .standard) { queue in
                for kind in [CatalogStatsJob.name, CatalogSimilarJob.name] {
                    // call: a slow run of one work a batch, cancelled once some batches are in (a pause of
                    // 100 ms a batch leaves the cancellation a second or more to land before the end)
                    let (started, _) = try await queue.enqueue(NewJob(kind: kind, args: #"{"batch_size": 1, "pause_ms": 100}"#))
                    _ = try await waitForJob(started.id, on: database) { ($0.progressDone ?? 0) >= 3 }
                    _ = try await queue.cancel(started.id)
                    // An attempt that failed instead ends the wait at once, its error in the check,
                    // rather than after its retry's backoff of 30 s or more.
                    let cancelled = try await waitForJob(started.id, on: database) { $0.state.isFinished || $0.state == .failed }
                    let cursor = try await database.read { try await JobCursorQueries.find(kind: kind, jobID: started.id, on: $0) }
                    // then run again: the same job, retried, goes on from its last committed batch
                    _ = try await queue.retry(started.id)
                    let resumed = try await waitForJob(started.id, on: database) { $0.state.isFinished || $0.state == .failed }

                    // check
                    #expect(cancelled.state == .cancelled, "\(cancelled.lastError ?? "")")
                    let total = Int64(recount.works.count + (kind == CatalogStatsJob.name ? recount.authors.count : 0))
                    #expect((cursor?.done ?? 0) >= 3 && (cursor?.done ?? total) < total, "cancelled halfway: \(String(describing: cursor))")
                    #expect(resumed.state == .succeeded, "\(resumed.lastError ?? "")")
                    #expect(resumed.result?.contains(#""resumed_after":\#(cursor?.done ?? -1)"#) == true, "\(resumed.result ?? "")")
                }
                // and a new run from the start agrees with the resumed one
                _ = try await Self.run(CatalogSimilarJob.name, on: queue)
            }
            let stored = try await CatalogRecount.stored(database)
            #expect(stored.works == recount.works.map(recount.workStats))
            #expect(stored.authors == recount.authors.map(recount.authorStats))
            #expect(stored.similar == recount.similar())
        }
    }

    @Test(arguments: TestEngine.all)
    func aWorkThatLostItsReadersLosesItsList(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: lists computed, then every shelf made private
            try await CatalogRecount.seed(database)
            try await withWorkers(database, registry: .standard) { queue in
                _ = try await Self.run(CatalogSimilarJob.name, on: queue)
                try await database.write { try await $0.raw("UPDATE shelves SET privacy = 'private'").run() }

                // call
                let job = try await Self.run(CatalogSimilarJob.name, on: queue)

                // check
                #expect(job.state == .succeeded)
            }
            #expect(try await CatalogRecount.stored(database).similar.isEmpty)
        }
    }
}
