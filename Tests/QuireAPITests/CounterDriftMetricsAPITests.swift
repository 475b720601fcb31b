import Foundation
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Drift found by `quire counters check` and the counters.repair job shows in /metrics.
@Suite struct CounterDriftMetricsAPITests {
    @Test(arguments: TestEngine.all)
    func driftFoundByACheckAndARepairIsCountedByTable(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: seeded shelvings, then every stored shelf count made one too high.
            var plan = SeedPlan()
            (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings) = (5, 5, 5, 10, 20)
            _ = try await Seeder(database: database, plan: plan).run()
            try await database.write { try await $0.raw("UPDATE shelf_counts SET books = books + 1").run() }
            let root = try await client.signUp("root")
            _ = try await database.write { try await UserQueries.grantAdmin(username: "root", on: $0) }
            var configuration = QuireConfiguration()
            configuration.databaseURL = database.url
            let before = try await MetricsScrape.scrape(client).value("quire_count_drift_found_total", ["table": "shelf_counts"]) ?? 0

            // call: checks (which fix nothing) until this test's result is the one the gauge shows,
            // since other tests in this process set it too; then a repair through the API.
            var checks = 0
            var drifted = 0
            var gauge: Double?
            repeat {
                let drift = try await Commands.auditCounters(configuration, repair: false) { _ in }
                drifted = drift.filter { $0.counter.hasPrefix("shelf_counts.") }.count
                checks += 1
                gauge = try await MetricsScrape.scrape(client).value("quire_count_drift_rows", ["table": "shelf_counts"])
            } while gauge != Double(drifted) && checks < 20
            let started = try await client.send(.post, "/v1/admin/counters/repair", as: root)
            let id = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
            let job = try await waitForJob(id, on: database) { $0.state.isFinished }
            let scrape = try await MetricsScrape.scrape(client)

            // check
            #expect(drifted > 0)
            #expect(gauge == Double(drifted))
            #expect(job.state == .succeeded)
            #expect(job.result?.contains(#""shelf_counts.books":\#(drifted)"#) == true, "\(job.result ?? "no result")")
            let found = scrape.value("quire_count_drift_found_total", ["table": "shelf_counts"]) ?? 0
            #expect(found - before >= Double(drifted * (checks + 1)))
            for table in ["shelf_counts", "user_counts", "user_work_shelvings", "work_counts"] {
                #expect(scrape.value("quire_count_drift_rows", ["table": table]) != nil, "no drift gauge for \(table)")
            }
            #expect(scrape.text.contains("# HELP quire_count_drift_rows "))
            #expect(scrape.lintProblems == [])
        }
    }
}
