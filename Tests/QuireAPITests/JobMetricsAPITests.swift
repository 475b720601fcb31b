import Foundation
import QuireJobs
import QuireStore
import Synchronization
import TestSupport
import Testing

/// Holds jobs of a test kind running until the test lets them finish.
final class Gate: Sendable {
    private let open = Mutex(false)
    func release() { open.withLock { $0 = true } }
    func wait() async throws {
        while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
    }
}

/// The queue's metrics, scraped from the real /metrics. Metrics are per process and tests run in
/// parallel, so each test uses job kinds of its own (with the engine in the name) and reads only
/// those series.
@Suite struct JobMetricsAPITests {
    @Test(arguments: TestEngine.all)
    func jobStateChangesDurationsAndPickupLatencyAppearByKind(engine: TestEngine) async throws {
        // setup: the app's own worker is off, so only the test's worker (which knows the test kinds) runs jobs.
        let (ok, broken) = ("test.metrics-ok-\(engine)", "test.metrics-broken-\(engine)")
        struct Broken: Error {}
        let registry = JobRegistry([
            JobKind(ok) { _ in nil },
            JobKind(broken, maxAttempts: 2, backoffBase: .milliseconds(10)) { _ in throw Broken() },
        ])
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            // call: three successes, one job failing twice (a retry, then discarded), one scheduled job cancelled.
            try await withWorkers(database, registry: registry, configure: { $0.pollInterval = .milliseconds(20) }) { queue in
                var ids: [Int64] = []
                for _ in 0..<3 { ids.append(try await queue.enqueue(NewJob(kind: ok)).job.id) }
                let failing = try await queue.enqueue(NewJob(kind: broken)).job.id
                var later = NewJob(kind: ok)
                later.runAfter = Timestamp.microsecondsNow() + 3_600_000_000
                let scheduled = try await queue.enqueue(later).job.id
                _ = try await queue.cancel(scheduled)
                for id in ids { try await waitForJob(id, on: database) { $0.state == .succeeded } }
                try await waitForJob(failing, on: database) { $0.state == .discarded }
            }
            let scrape = try await MetricsScrape.scrape(client)

            // check
            func jobs(_ kind: String, _ state: String) -> Double? { scrape.value("quire_jobs_total", ["kind": kind, "state": state]) }
            #expect(jobs(ok, "queued") == 3)
            #expect(jobs(ok, "scheduled") == 1)
            #expect(jobs(ok, "cancelled") == 1)
            #expect(jobs(ok, "running") == 3)
            #expect(jobs(ok, "succeeded") == 3)
            #expect(jobs(broken, "queued") == 1)
            #expect(jobs(broken, "running") == 2)
            #expect(jobs(broken, "failed") == 1)
            #expect(jobs(broken, "discarded") == 1)
            #expect(scrape.value("quire_job_duration_seconds_count", ["kind": ok]) == 3)
            #expect(scrape.value("quire_job_duration_seconds_count", ["kind": broken]) == 2)
            #expect(scrape.value("quire_job_pickup_latency_seconds_count", ["kind": ok]) == 3)
            #expect((scrape.value("quire_job_pickup_latency_seconds_sum", ["kind": ok]) ?? -1) >= 0)
            // Labels are kinds and states only: no job ids, whatever the number of jobs.
            for sample in scrape.family("quire_jobs_total") {
                #expect(Set(sample.labels.keys) == ["kind", "state"], "\(sample)")
            }
            for sample in scrape.family("quire_job_duration_seconds") + scrape.family("quire_job_pickup_latency_seconds") {
                #expect(Set(sample.labels.keys).isSubset(of: ["kind", "le"]), "\(sample)")
            }
            for family in ["quire_jobs_total", "quire_job_duration_seconds", "quire_job_pickup_latency_seconds"] {
                #expect(scrape.text.contains("# HELP \(family) "), "\(family) has no HELP line")
            }
            #expect(scrape.lintProblems == [])
        }
    }

    @Test(arguments: TestEngine.all)
    func theWorkerSamplesQueueDepth(engine: TestEngine) async throws {
        // setup: one slot, held by a job that waits for the gate, so the next jobs stay queued.
        let kind = "test.metrics-gate-\(engine)"
        let gate = Gate()
        let registry = JobRegistry([JobKind(kind) { _ in try await gate.wait(); return nil }])
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            // Maintenance (which samples the depth) runs every rescueAfter / 3.
            try await withWorkers(database, registry: registry, configure: { $0.concurrency = 1; $0.rescueAfter = .milliseconds(1500) }) { queue in
                defer { gate.release() }
                let first = try await queue.enqueue(NewJob(kind: kind)).job.id
                try await waitForJob(first, on: database) { $0.state == .running }
                for _ in 0..<4 { _ = try await queue.enqueue(NewJob(kind: kind)) }

                // call: the gauge is shared by every worker in this test process, so wait until
                // this worker's sample is the one showing.
                var depth: Double?
                for _ in 0..<100 {
                    depth = try await MetricsScrape.scrape(client).value("quire_jobs_queue_depth")
                    if depth == 4 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }

                // check
                #expect(depth == 4)
            }
        }
    }
}
