import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

@Suite(.serialized) struct WorkerProcessTests {
    static let fastRescue = ["QUIRE_JOB_RESCUE_AFTER": "1", "QUIRE_WORKERS": "4"]

    /// A `quire worker` process on `database`, once it is running a no-op job of `sleepMs`.
    static func workerRunningAJob(on database: Database, sleepMs: Int) async throws -> (worker: QuireProcess, job: JobRecord) {
        let worker = try QuireProcess(["worker", "--database-url", ServeProcessTests.text(database.url)], environment: fastRescue)
        let (job, _) = try await JobQueue(database: database, registry: .standard).enqueue(.noop(sleepMs: sleepMs))
        return (worker, try await waitForJob(job.id, on: database, timeout: .seconds(30)) { $0.state == .running })
    }

    @Test(arguments: TestEngine.all)
    func aJobInFlightWhenItsWorkerIsKilledFinishesInAnotherWorker(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a worker process running a job that takes some seconds: long enough that
            // the kill lands mid-job even when the machine is so loaded that seeing the job
            // running takes seconds (a 3 s job once finished before the kill)
            let (first, running) = try await Self.workerRunningAJob(on: database, sleepMs: 15000)

            // call: kill -9 in the middle of the job, then start another worker
            first.signal(SIGKILL)
            _ = await first.waitForExit(timeout: .seconds(5))
            let second = try QuireProcess(["worker", "--database-url", ServeProcessTests.text(database.url)], environment: Self.fastRescue)
            let done = try await waitForJob(running.id, on: database, timeout: .seconds(60)) { $0.state.isFinished }
            second.signal(SIGTERM)
            let secondStatus = await second.waitForExit(timeout: .seconds(10))

            // check: finished once more by the other worker; nothing lost, nothing left running
            #expect(done.state == .succeeded)
            #expect(done.attempts == 2)
            #expect(done.worker != running.worker)
            let stuck = try await database.read { try await $0.raw("SELECT id FROM jobs WHERE state = 'running'").all().count }
            #expect(stuck == 0)
            #expect(secondStatus == 0, "\(second.standardError)")
        }
    }

    @Test(arguments: TestEngine.all)
    func aJobRunningWhenItsWorkerIsStoppedGoesBackToTheQueueWithItsAttemptUncounted(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a worker process running a job far longer than the worker's 5 s stop grace
            let (worker, job) = try await Self.workerRunningAJob(on: database, sleepMs: 60000)

            // call: a graceful stop, as a deploy or Ctrl-C sends
            let stopping = ContinuousClock.now
            worker.signal(SIGTERM)
            let status = await worker.waitForExit(timeout: .seconds(20))
            let took = ContinuousClock.now - stopping

            // check: stopped inside its 10 s shutdown grace, and the job is queued again for the
            // next worker, its attempt not spent (the rescuer would have counted it)
            #expect(status == 0, "\(worker.standardError)")
            #expect(took < .seconds(10), "stopping took \(took)")
            let after = try #require(try await database.read { try await JobQueries.find(job.id, on: $0) })
            #expect(after.state == .queued)
            #expect(after.attempts == 0)
            #expect(after.lastError == "the worker stopped before the job finished")
        }
    }

    @Test(arguments: TestEngine.all)
    func tenThousandJobsRunExactlyOnceAcrossTwoWorkersAndAServer(engine: TestEngine) async throws {
        try await withTestDatabase(engine, poolSize: 2) { database in
            // setup: 10,000 no-op jobs, then one server and two worker processes on one database
            // (on SQLite, three processes sharing one file)
            let url = ServeProcessTests.text(database.url)
            let now = Timestamp.microsecondsNow()
            try await database.write { db in
                try await db.raw("""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
                    INSERT INTO jobs (kind, args, state, max_attempts, run_after, created_at, updated_at)
                    SELECT 'noop', '{}', 'queued', 3, \(bind: now), \(bind: now), \(bind: now) FROM n
                    """).run()
            }
            let port = QuireProcess.freePort()
            let processes = [
                try QuireProcess(["serve", "--port", "\(port)", "--database-url", url], environment: ["QUIRE_WORKERS": "8"]),
                try QuireProcess(["worker", "--database-url", url], environment: ["QUIRE_WORKERS": "8"]),
                try QuireProcess(["worker", "--database-url", url], environment: ["QUIRE_WORKERS": "8"]),
            ]

            // call: wait until every job has finished
            let deadline = ContinuousClock.now + .seconds(240)
            var finished = 0
            while ContinuousClock.now < deadline {
                finished = try await database.read {
                    try await $0.raw("SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'").first()?.decode(column: "n", as: Int.self) ?? 0
                }
                if finished == 10_000 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            for process in processes { process.signal(SIGTERM) }
            var statuses: [Int32?] = []
            for process in processes { statuses.append(await process.waitForExit(timeout: .seconds(15))) }

            // check: every job succeeded on its first and only claim, and the work was shared
            #expect(finished == 10_000)
            let row = try await database.read {
                try await $0.raw("""
                    SELECT count(*) AS jobs, max(attempts) AS most, min(attempts) AS least, count(DISTINCT worker) AS workers
                    FROM jobs WHERE kind = 'noop'
                    """).first()
            }
            #expect(try row?.decode(column: "jobs", as: Int.self) == 10_000)
            #expect(try row?.decode(column: "most", as: Int.self) == 1)
            #expect(try row?.decode(column: "least", as: Int.self) == 1)
            #expect(try (row?.decode(column: "workers", as: Int.self) ?? 0) >= 2)
            #expect(statuses == [0, 0, 0])
        }
    }

    /// The periodic kinds the process test schedules every second, by the name their periods are claimed under.
    static let periodicKinds = [
        "nightly counters.repair": CountersRepairJob.name, "nightly catalog.stats": CatalogStatsJob.name,
        "nightly catalog.similar": CatalogSimilarJob.name, "nightly counters.check": CountersCheckJob.name,
    ]

    @Test(arguments: TestEngine.all)
    func aPeriodicJobRunsOncePerPeriodAcrossWorkerProcesses(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: two worker processes, each scheduling the repair and the nightly catalog kinds every second
            let url = ServeProcessTests.text(database.url)
            let everySecond = "* * * * * *"
            let environment = [
                "QUIRE_REPAIR_CRON": everySecond, "QUIRE_SCHEDULE_CATALOG_STATS": everySecond, "QUIRE_SCHEDULE_CATALOG_SIMILAR": everySecond,
                "QUIRE_SCHEDULE_COUNTERS_CHECK": everySecond, "QUIRE_WORKERS": "4",
            ]
            let workers = [try QuireProcess(["worker", "--database-url", url], environment: environment),
                           try QuireProcess(["worker", "--database-url", url], environment: environment)]

            // call: until four periods of every kind have come round (a loaded machine may take longer than 4 s)
            let deadline = ContinuousClock.now + .seconds(60)
            var periods: [String: Int] = [:]
            while periods.count < Self.periodicKinds.count || periods.values.contains(where: { $0 < 4 }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                periods = try await Self.count("SELECT name AS k, count(*) AS n FROM periodic_runs GROUP BY name", on: database)
            }
            for worker in workers { worker.signal(SIGTERM) }
            var statuses: [Int32?] = []
            for worker in workers { statuses.append(await worker.waitForExit(timeout: .seconds(15))) }

            // check: never two jobs of a kind for a period, though each process scheduled every one. A
            // period may also start none: a job still running when the next second comes holds its
            // kind's unique key, and that period's start returns it (seen once on a loaded machine).
            let runs = try await Self.count("SELECT name AS k, count(*) AS n FROM periodic_runs GROUP BY name", on: database)
            let jobs = try await Self.count("SELECT kind AS k, count(*) AS n FROM jobs GROUP BY kind", on: database)
            let failed = try await Self.count("SELECT kind AS k, count(*) AS n FROM jobs WHERE state IN ('failed', 'discarded') GROUP BY kind", on: database)
            for (name, kind) in Self.periodicKinds.sorted(by: { $0.key < $1.key }) {
                let (periods, started) = (runs[name] ?? 0, jobs[kind] ?? 0)
                #expect(periods >= 4, "\(periods) periods of \(name)")
                #expect(started <= periods && started >= 2, "\(started) \(kind) jobs for \(periods) periods")
            }
            #expect(failed.isEmpty, "\(failed)")
            #expect(statuses == [0, 0], "\(workers.map(\.standardError))")
        }
    }

    /// A two-column count, `k` to `n`.
    static func count(_ sql: String, on database: Database) async throws -> [String: Int] {
        try await database.read { db in
            Dictionary(uniqueKeysWithValues: try await db.raw("\(unsafeRaw: sql)").all().map {
                (try $0.decode(column: "k", as: String.self), try $0.decode(column: "n", as: Int.self))
            })
        }
    }

    @Test(arguments: TestEngine.all)
    func aWorkerProcessServesItsOwnJobMetrics(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a worker with a metrics port, and a job for it
            let url = ServeProcessTests.text(database.url)
            let port = QuireProcess.freePort()
            let worker = try QuireProcess(["worker", "--database-url", url, "--metrics-port", "\(port)"], environment: Self.fastRescue)
            try await worker.waitUntilReady("http://127.0.0.1:\(port)/healthz")
            let queue = JobQueue(database: database, registry: .standard)
            let (job, _) = try await queue.enqueue(NewJob(kind: NoopJob.name))
            let done = try await waitForJob(job.id, on: database, timeout: .seconds(30)) { $0.state.isFinished }

            // call
            let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
            worker.signal(SIGTERM)
            let status = await worker.waitForExit(timeout: .seconds(10))

            // check: the job this process ran is in its own scrape, which promtool's rules accept
            #expect(done.state == .succeeded)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let scrape = MetricsScrape(text: String(decoding: body, as: UTF8.self))
            #expect((scrape.value("quire_jobs_total", ["kind": "noop", "state": "succeeded"]) ?? 0) >= 1)
            #expect((scrape.value("quire_job_duration_seconds_count", ["kind": "noop"]) ?? 0) >= 1)
            #expect(scrape.value("quire_process_resident_memory_bytes") != nil)
            #expect(scrape.lintProblems == [])
            #expect(status == 0, "\(worker.standardError)")
        }
    }
}
