import Foundation
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

/// `search.merge`, the nightly merge of the search index.
@Suite struct SearchMergeJobTests {
    @Test(arguments: TestEngine.all)
    func theMergeLeavesOneSegmentThatFindsWhatTheIndexFoundBefore(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: 40 editions, each added in its own transaction: on SQLite a segment each, of
            // which FTS5's automatic merging leaves several
            for index in 0..<40 {
                _ = try await database.write { db -> EditionCreation in
                    var new = NewEdition(title: "Merge Volume \(index)")
                    new.authorNames = ["Mira Segment"]
                    return try await EditionQueries.create(new, on: db)
                }
            }
            func found(_ words: [String]) async throws -> [Int64] {
                try await database.read { try await SearchQueries.editions(terms: words, after: nil, limit: 100, on: $0) }.map(\.edition.id)
            }
            func indexRows() async throws -> Int? {
                guard engine == .sqlite else { return nil }
                return try await database.read { try await $0.raw("SELECT count(*) AS n FROM editions_fts_data").first()?.decode(column: "n", as: Int.self) }
            }
            let (segment, volume7, before) = (try await found(["segment"]), try await found(["merge", "volume", "7"]), try await indexRows())

            // call
            let job = try await withWorkers(database, registry: .standard) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: SearchMergeJob.name))
                return try await waitForJob(job.id, on: database) { $0.state.isFinished }
            }

            // check: the same answers, from one segment: a further merge step finds nothing to do
            #expect(job.state == .succeeded, "\(job.lastError ?? "")")
            #expect(try await found(["segment"]) == segment)
            #expect(segment.count == 40)
            #expect(try await found(["merge", "volume", "7"]) == volume7)
            #expect(volume7.count == 1)
            if engine == .sqlite {
                let after = try #require(try await indexRows())
                #expect(after < (before ?? 0), "the index's rows: \(before ?? 0) before the merge, \(after) after")
                #expect(job.result?.contains(#""steps":0"#) == false, "\(job.result ?? "")")
            }
            #expect(try await database.bulkWrite { try await SearchIndexQueries.mergeStep(on: $0) } == false)
        }
    }
}
