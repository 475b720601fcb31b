import Foundation
import QuireJobs
import QuireStore
import SQLKit
import Synchronization
import TestSupport
import Testing

/// Records when each attempt of a test job started.
final class Attempts: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([])
    func record() { times.withLock { $0.append(.now) } }
    var all: [ContinuousClock.Instant] { times.withLock { $0 } }
}

@Suite struct JobQueueTests {
    @Test(arguments: TestEngine.all)
    func aJobRunsAndSucceedsWithItsResult(engine: TestEngine) async throws {
        let kind = JobKind("test.double") { context in
            struct Args: Decodable { let value: Int }
            let value = try context.arguments(Args.self).value
            try await context.progress(1, of: 1, "doubled")
            return "{\"doubled\": \(value * 2)}"
        }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                let (job, created) = try await queue.enqueue(NewJob(kind: "test.double", args: #"{"value": 21}"#))
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                #expect(created)
                #expect(done.state == .succeeded)
                #expect(done.result?.replacingOccurrences(of: " ", with: "") == #"{"doubled":42}"#)
                #expect(done.attempts == 1)
                #expect(done.progressMessage == "doubled")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aFailingJobIsRetriedWithGrowingDelaysUntilDiscarded(engine: TestEngine) async throws {
        let attempts = Attempts()
        let kind = JobKind("test.flaky", maxAttempts: 4, backoffBase: .milliseconds(100)) { _ in
            attempts.record()
            struct Flaky: Error {}
            throw Flaky()
        }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind]), configure: { $0.pollInterval = .milliseconds(20) }) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.flaky"))
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                #expect(done.state == .discarded)
                #expect(done.attempts == 4)
                #expect(done.lastError?.contains("Flaky") == true)
            }
        }
        let times = attempts.all
        #expect(times.count == 4)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // 100, 200, 400 ms plus jitter: each wait is longer than the one before and than its base.
        #expect(gaps.count == 3)
        // Each wait is at least its backoff, and the backoffs double; a loaded machine only adds to them.
        for (gap, base) in zip(gaps, [100, 200, 400]) { #expect(gap >= .milliseconds(base), "\(gaps)") }
    }

    @Test(arguments: TestEngine.all)
    func aPermanentErrorIsNotRetried(engine: TestEngine) async throws {
        let kind = JobKind("test.broken", maxAttempts: 5) { _ in throw PermanentJobError("the book no longer exists") }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.broken"))
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                #expect(done.state == .discarded)
                #expect(done.attempts == 1)
                #expect(done.lastError == "the book no longer exists")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aJobOverItsTimeLimitIsStopped(engine: TestEngine) async throws {
        let kind = JobKind("test.slow", maxAttempts: 1, timeLimit: .milliseconds(300)) { context in
            while true {
                try context.checkpoint()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.slow"))
                // The handler never returns by itself, so finishing at all means the limit stopped it.
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                #expect(done.state == .discarded)
                #expect(done.lastError?.contains("time limit") == true)
                // ...and not before the limit: it ran at least its 300 ms.
                #expect((done.finishedAt ?? 0) - (done.startedAt ?? 0) >= 300_000)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func queuedAndRunningJobsCanBeCancelled(engine: TestEngine) async throws {
        let kind = JobKind("test.long") { context in
            while true {
                try context.checkpoint()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await withTestDatabase(engine) { database in
            // A queued job, with no worker running: cancelled at once.
            let idle = JobQueue(database: database, registry: JobRegistry([kind]))
            var later = NewJob(kind: "test.long")
            later.runAfter = Timestamp.microsecondsNow() + 3_600_000_000
            let (waiting, _) = try await idle.enqueue(later)
            #expect(waiting.state == .scheduled)
            let cancelledAtOnce = try await idle.cancel(waiting.id)
            #expect(cancelledAtOnce?.state == .cancelled)

            // A running job: cancelled at its next checkpoint.
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.long"))
                _ = try await waitForJob(job.id, on: database) { $0.state == .running }
                _ = try await queue.cancel(job.id)
                let done = try await waitForJob(job.id, on: database, timeout: .seconds(20)) { $0.state.isFinished }
                #expect(done.state == .cancelled)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aUniqueKeyDeduplicatesWhileTheJobIsActive(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            let queue = JobQueue(database: database, registry: .standard)
            var job = NewJob(kind: NoopJob.name)
            job.uniqueKey = "nightly"
            let (first, firstCreated) = try await queue.enqueue(job)
            let (second, secondCreated) = try await queue.enqueue(job)
            #expect(firstCreated && !secondCreated)
            #expect(first.id == second.id)
            _ = try await queue.cancel(first.id)
            let (third, thirdCreated) = try await queue.enqueue(job)
            #expect(thirdCreated)
            #expect(third.id != first.id)
        }
    }

    @Test(arguments: TestEngine.all)
    func startingAUniqueJobThisProcessRunsIsAnsweredWithoutAReadUntilItEnds(engine: TestEngine) async throws {
        let kind = JobKind("test.halfway") { context in
            try await context.progress(5, of: 10, "halfway")
            while true {
                try context.checkpoint()
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                // setup: the job running in this process's worker, its progress written
                var job = NewJob(kind: "test.halfway")
                job.uniqueKey = "halfway"
                let (first, created) = try await queue.enqueue(job)
                #expect(created)
                let deadline = ContinuousClock.now + .seconds(20)
                while try await queue.enqueue(job).job.progressDone != 5 {
                    guard ContinuousClock.now < deadline else { throw TestSetupError("the job never reported progress") }
                    try await Task.sleep(for: .milliseconds(20))
                }

                // call: start it again, then end it and start it once more
                let ((again, againCreated), recorder) = try await StatementRecorder.recording { try await queue.enqueue(job) }
                _ = try await queue.cancel(first.id)
                let ended = try await waitForJob(first.id, on: database, timeout: .seconds(20)) { $0.state.isFinished }
                let (next, nextCreated) = try await queue.enqueue(job)

                // check: the running job with its progress, from no statement; a new job once it ended
                #expect(!againCreated && again.id == first.id)
                #expect(again.state == .running && again.progressDone == 5 && again.progressTotal == 10 && again.progressMessage == "halfway")
                #expect(recorder.statements == [])
                #expect(ended.state == .cancelled)
                #expect(nextCreated && next.id != first.id)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aPeriodicJobRunsOncePerPeriodWithTwoWorkers(engine: TestEngine) async throws {
        let periodic = PeriodicJob(name: "every second", cron: try Cron("* * * * * *"), job: NewJob(kind: NoopJob.name))
        try await withTestDatabase(engine) { database in
            let start = ContinuousClock.now
            try await withWorkers(database, registry: .standard, count: 2, periodic: [periodic]) { _ in
                // Until three periods have come round (a loaded machine may take longer than 3 s).
                while try await database.read({ try await $0.raw("SELECT period_start FROM periodic_runs").all().count }) < 3 {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let seconds = Double((ContinuousClock.now - start).components.seconds) + 1
            let jobs = try await database.read { try await $0.raw("SELECT id FROM jobs WHERE kind = 'noop'").all().count }
            let periods = try await database.read { try await $0.raw("SELECT period_start FROM periodic_runs").all().count }
            // One job per period: two workers each enqueuing every period would make twice as many.
            #expect(jobs == periods)
            #expect(Double(jobs) <= seconds + 1, "\(jobs) jobs in about \(seconds) s of a once-a-second schedule")
        }
    }

    @Test(arguments: TestEngine.all)
    func jobsOfAWorkerThatStoppedHeartbeatingRunElsewhere(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a job claimed by a worker that then died (its heartbeat never moves)
            let queue = JobQueue(database: database, registry: .standard)
            let (job, _) = try await queue.enqueue(NewJob(kind: NoopJob.name))
            let claimed = try await database.write { db in
                let claimed = try await JobQueries.claim(worker: "dead-worker", limit: 1, now: Timestamp.microsecondsNow(), on: db)
                try await db.raw("UPDATE jobs SET heartbeat_at = heartbeat_at - 10000000").run()
                return claimed
            }
            #expect(claimed.map(\.id) == [job.id])

            // call: a live worker with a short rescue interval
            try await withWorkers(database, registry: .standard, configure: { $0.rescueAfter = .seconds(1) }) { _ in
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                // check
                #expect(done.state == .succeeded)
                #expect(done.attempts == 2)
                #expect(done.worker != "dead-worker")
            }
        }
    }

    /// A worker's heartbeat can fall behind on a loaded machine (a CI run of the kill -9 import
    /// test once saw its only live worker put back its own import twice, which discarded it).
    /// A process knows the jobs it runs are alive: it never puts its own back.
    @Test(arguments: TestEngine.all)
    func aLiveWorkerWhoseHeartbeatFallsBehindKeepsItsJob(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: heartbeats an hour apart, so only the maintenance, every 1/3 s, can keep the job alive
            try await withWorkers(database, registry: .standard, configure: { $0.rescueAfter = .seconds(1); $0.heartbeatInterval = .seconds(3600) }) { queue in
                // call: a job running 2.5 times the rescue interval
                let (job, _) = try await queue.enqueue(.noop(sleepMs: 2500))
                let done = try await waitForJob(job.id, on: database) { $0.state.isFinished }
                // check: it ran once, to the end
                #expect(done.state == .succeeded)
                #expect(done.attempts == 1, "\(String(describing: done.lastError))")
            }
        }
    }

    /// A claim's answer can reach the claim loop late (by more than the rescue interval on a
    /// loaded machine): the job is the worker's in the database, not yet among the jobs it runs.
    /// Its own maintenance must not put it back (CI at 5fba836: it did, and two attempts of one
    /// import ran side by side in one worker).
    @Test(arguments: TestEngine.all)
    func aJobWhoseClaimIsNotYetAnsweredStaysWithItsLiveWorker(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a job claimed 10 s ago under the worker's name, which the worker has not started
            let name = "slow-claimer-\(UUID().uuidString.prefix(6))"
            let (job, _) = try await JobQueue(database: database, registry: .standard).enqueue(NewJob(kind: NoopJob.name))
            let claimed = try await database.write { db in
                let claimed = try await JobQueries.claim(worker: name, limit: 1, now: Timestamp.microsecondsNow(), on: db)
                try await db.raw("UPDATE jobs SET heartbeat_at = heartbeat_at - 10000000").run()
                return claimed
            }
            #expect(claimed.map(\.id) == [job.id])

            // call: the worker runs long enough for its maintenance (every third of the rescue interval) to run 3 times
            let after = try await withWorkers(database, registry: .standard, named: name, configure: {
                $0.rescueAfter = .seconds(1)
                $0.heartbeatInterval = .seconds(3600)
            }) { _ in
                try await Task.sleep(for: .milliseconds(1200))
                return try await database.read { try await JobQueries.find(job.id, on: $0) }
            }

            // check: still the worker's first attempt, never put back nor run again
            #expect(after?.state == .running, "\(String(describing: after?.lastError))")
            #expect(after?.attempts == 1)
            #expect(after?.worker == name)
        }
    }

    /// A worker that stalls past the rescue interval can find its job taken over by another
    /// process: its attempt stops there and records nothing, so the two never run side by side.
    @Test(arguments: TestEngine.all)
    func aJobTakenOverByAnotherWorkerStopsHereAndRecordsNothing(engine: TestEngine) async throws {
        let (started, stopped) = (Attempts(), Attempts())
        let kind = JobKind("test.long", timeLimit: .seconds(120)) { context in
            started.record()
            do {
                while true {
                    try context.checkpoint()
                    try await Task.sleep(for: .milliseconds(10))
                }
            } catch {
                stopped.record()
                throw error
            }
        }
        try await withTestDatabase(engine) { database in
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                // setup: the job runs here
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.long"))
                let deadline = ContinuousClock.now + .seconds(30)
                while started.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                #expect(started.all.count == 1)

                // call: another process's rescue and claim take it over, as after a stall here
                try await database.write { db in
                    try await db.raw("""
                        UPDATE jobs SET worker = 'other-worker', attempts = attempts + 1, heartbeat_at = \(bind: Timestamp.microsecondsNow())
                        WHERE id = \(bind: job.id)
                        """).run()
                }

                // check: the attempt here stops within a few heartbeats (100 ms apart) and writes nothing
                let stopBy = ContinuousClock.now + .seconds(10)
                while stopped.all.isEmpty, ContinuousClock.now < stopBy { try await Task.sleep(for: .milliseconds(10)) }
                #expect(stopped.all.count == 1, "the attempt here still runs")
                try await Task.sleep(for: .milliseconds(300))
                let after = try await database.read { try await JobQueries.find(job.id, on: $0) }
                #expect(after?.state == .running)
                #expect(after?.worker == "other-worker")
                #expect(after?.attempts == 2)
                #expect(after?.lastError == nil)
                #expect(started.all.count == 1, "not run again here")
            }
        }
    }

    /// An outcome the database refused to record (an outage, a failed write) is kept and written
    /// again at the worker's next heartbeats until it lands. It used to be logged and dropped:
    /// the job stayed `running`, and the live worker's heartbeat, which beats every running job
    /// under its name, kept the rescuer from ever putting it back.
    @Test(arguments: TestEngine.all)
    func anOutcomeTheDatabaseRefusedIsRecordedOnceItTakesItAgain(engine: TestEngine) async throws {
        let attempts = Attempts()
        let kind = JobKind("test.refused", maxAttempts: 1) { _ in
            attempts.record()
            return #"{"shelved": 3}"#
        }
        try await withTestDatabase(engine) { database in
            // setup: the database refuses to mark this kind's jobs finished
            let postgres = database.engine == .postgres
            try await database.write { db in
                if postgres {
                    try await db.raw("""
                        CREATE FUNCTION refuse_finish() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$ LANGUAGE plpgsql
                        """).run()
                    try await db.raw("""
                        CREATE TRIGGER refuse_finish BEFORE UPDATE ON jobs FOR EACH ROW
                        WHEN (NEW.state = 'succeeded' AND NEW.kind = 'test.refused') EXECUTE FUNCTION refuse_finish()
                        """).run()
                } else {
                    try await db.raw("""
                        CREATE TRIGGER refuse_finish BEFORE UPDATE OF state ON jobs
                        WHEN NEW.state = 'succeeded' AND NEW.kind = 'test.refused'
                        BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                        """).run()
                }
            }
            try await withWorkers(database, registry: JobRegistry([kind])) { queue in
                let (job, _) = try await queue.enqueue(NewJob(kind: "test.refused"))
                let deadline = ContinuousClock.now + .seconds(30)
                while attempts.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
                #expect(attempts.all.count == 1)
                // Several heartbeats (100 ms apart) pass with its outcome refused.
                try await Task.sleep(for: .milliseconds(500))
                let refused = try await database.read { try await JobQueries.find(job.id, on: $0) }
                #expect(refused?.state == .running)

                // call: the database takes the write again
                try await database.write { db in try await db.raw("DROP TRIGGER refuse_finish\(unsafeRaw: postgres ? " ON jobs" : "")").run() }

                // check: the outcome it had is recorded, and the job did not run again
                let done = try await waitForJob(job.id, on: database, timeout: .seconds(15)) { $0.state.isFinished }
                #expect(done.state == .succeeded)
                #expect(done.result?.replacingOccurrences(of: " ", with: "") == #"{"shelved":3}"#)
                #expect(done.attempts == 1)
                #expect(attempts.all.count == 1)
            }
        }
    }
}
