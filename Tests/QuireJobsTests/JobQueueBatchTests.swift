import Foundation
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

/// `JobQueue.enqueue([NewJob])`: many jobs in one statement, answered in their order.
@Suite struct JobQueueBatchTests {
    @Test(arguments: TestEngine.all)
    func aBatchIsOneInsertAndEachJobIsAnsweredWithItsOwnRow(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: 300 jobs told apart by their arguments and priorities, the last one for later
            let queue = JobQueue(database: database, registry: .standard)
            let later = Timestamp.microsecondsNow() + 3_600_000_000
            let jobs = (0..<300).map { index -> NewJob in
                var job = NewJob(kind: NoopJob.name, args: #"{"n": \#(index)}"#)
                job.priority = index % 3
                if index == 299 { job.runAfter = later }
                return job
            }

            // call
            let (results, recorder) = try await StatementRecorder.recording { try await queue.enqueue(jobs) }

            // check: one INSERT for all; each answer is its own job's row, stored, created
            #expect(recorder.statements.filter { $0.contains("INSERT INTO jobs") }.count == 1)
            #expect(results.count == 300)
            #expect(results.allSatisfy { $0.created })
            #expect(results.map(\.job.args) == jobs.map(\.args))
            #expect(results.map(\.job.priority) == jobs.map(\.priority))
            #expect(Set(results.map(\.job.id)).count == 300)
            #expect(results.dropLast().allSatisfy { $0.job.state == .queued && $0.job.maxAttempts == NoopJob.kind.maxAttempts })
            #expect(results.last?.job.state == .scheduled)
            #expect(results.last?.job.runAfter == later)
            let stored = try await database.read { db in
                try await db.raw("SELECT id, args FROM jobs").all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "args", as: String.self)) }
            }
            #expect(stored.count == 300)
            let argsByID = Dictionary(uniqueKeysWithValues: stored)
            #expect(results.allSatisfy { argsByID[$0.job.id] == $0.job.args })
        }
    }

    @Test(arguments: TestEngine.all)
    func uniqueKeysInABatchGetTheActiveJobOrTheBatchsFirst(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a queued job holding "nightly"
            let queue = JobQueue(database: database, registry: .standard)
            let (nightly, _) = try await queue.enqueue(NewJob.noop(uniqueKey: "nightly"))

            // call: the held key, a plain job, a new key twice, another plain job
            let results = try await queue.enqueue([
                .noop(uniqueKey: "nightly"), .noop(), .noop(uniqueKey: "weekly"), .noop(uniqueKey: "weekly"), .noop(),
            ])

            // check
            #expect(results.map(\.created) == [false, true, true, false, true])
            #expect(results[0].job.id == nightly.id)
            #expect(results[2].job.uniqueKey == "weekly")
            #expect(results[3].job.id == results[2].job.id)
            #expect(results[1].job.uniqueKey == nil && results[4].job.uniqueKey == nil)
            #expect(results[1].job.id != results[4].job.id)
            let rows = try await database.read { try await $0.raw("SELECT id FROM jobs").all().count }
            #expect(rows == 4)
        }
    }

    @Test(arguments: TestEngine.all)
    func jobsEnqueuedInABatchRun(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: .standard) { queue in
                // call
                let results = try await queue.enqueue(Array(repeating: NewJob.noop(), count: 50))

                // check: every one of them is run and succeeds
                for (job, _) in results { try await waitForJob(job.id, on: database) { $0.state == .succeeded } }
            }
        }
    }
}
