import Foundation
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

@Suite struct EnqueueBatcherTests {
    @Test(arguments: TestEngine.all)
    func concurrentEnqueuesShareCommitsAndEachIsStoredWhenAnswered(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            let queue = JobQueue(database: database, registry: .standard)
            try await withThrowingTaskGroup(of: Void.self) { services in
                services.addTask { try await queue.batcher.run() }
                while !queue.batcher.isRunning { try await Task.sleep(for: .milliseconds(5)) }

                // call: 200 plain jobs and 50 with one unique key, all at once
                let results = try await withThrowingTaskGroup(of: (JobRecord, Bool).self) { group in
                        for index in 0..<250 {
                            group.addTask {
                                var job = NewJob(kind: NoopJob.name)
                                if index % 5 == 0 { job.uniqueKey = "once" }
                                let (record, created) = try await queue.enqueue(job)
                                // check: durable when answered, the row is there
                                let stored = try await database.read { try await JobQueries.find(record.id, on: $0) }
                                #expect(stored != nil)
                                return (record, created)
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                }
                services.cancelAll()

                // check
                let unique = results.filter { $0.0.uniqueKey == "once" }
                #expect(unique.count == 50)
                #expect(Set(unique.map(\.0.id)).count == 1)
                #expect(unique.filter(\.1).count == 1)
                #expect(results.filter { $0.0.uniqueKey == nil }.count == 200)
                let rows = try await database.read { try await $0.raw("SELECT id FROM jobs").all().count }
                #expect(rows == 201)
                // Every job of one transaction gets that transaction's time: fewer distinct times
                // than jobs means commits were shared.
                let commits = try await database.read { db in
                    Set(try await db.raw("SELECT created_at FROM jobs").all().map { try $0.decode(column: "created_at", as: Int64.self) }).count
                }
                #expect(commits < 201, "\(commits) transactions for 201 jobs")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func concurrentStartsOfAnActiveUniqueJobShareReadsAndAllGetIt(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: two active jobs with unique keys (no worker runs them)
            let queue = JobQueue(database: database, registry: .standard)
            let (nightly, weekly) = (NewJob.noop(uniqueKey: "nightly"), NewJob.noop(uniqueKey: "weekly"))
            let (first, _) = try await queue.enqueue(nightly)
            let (second, _) = try await queue.enqueue(weekly)

            // call: 200 starts at once, alternating between the two keys
            let starts = [nightly, weekly]
            let (results, recorder) = try await StatementRecorder.recording {
                try await withThrowingTaskGroup(of: (String?, Int64, Bool).self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let (job, created) = try await queue.enqueue(starts[index % 2])
                            return (job.uniqueKey, job.id, created)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }

            // check: each got its key's job, none created one, and reads were shared
            #expect(results.count == 200)
            #expect(results.allSatisfy { !$0.2 })
            #expect(results.allSatisfy { $0.0 == "nightly" ? $0.1 == first.id : $0.1 == second.id })
            let reads = recorder.statements.filter { $0.contains("FROM jobs") }.count
            #expect(reads >= 1 && reads < 100, "\(reads) reads for 200 starts")
            let rows = try await database.read { try await $0.raw("SELECT id FROM jobs").all().count }
            #expect(rows == 2)
        }
    }
}
