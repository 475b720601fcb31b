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
}
