import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Starting periodic jobs by hand, and what the catalog jobs show on works and authors (issue 15).
@Suite struct CatalogStatsAPITests {
    /// Starts `kind` as `user` and waits for it to end.
    static func start(_ kind: String, as user: APIUser, _ client: any TestClientProtocol, _ database: Database) async throws -> JobRecord {
        let started = try await client.send(.post, "/v1/admin/jobs/\(kind)", as: user)
        let id = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
        // A whole counter audit, as counters.check runs, took over 60 s on SQLite once while the
        // full suite ran beside it on 2 cores (it was moving: its progress and heartbeat were
        // seconds old), so these jobs get longer than the default wait.
        return try await waitForJob(id, on: database, timeout: .seconds(240)) { $0.state.isFinished }
    }

    @Test(arguments: TestEngine.all)
    func administratorsStartPeriodicKindsAndNobodyElse(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            // setup
            let root = try await client.signUpAdmin("root", database: database)
            let reader = try await client.signUp("reader")

            // call
            let started = try await client.send(.post, "/v1/admin/jobs/catalog.similar", as: root)
            let again = try await client.send(.post, "/v1/admin/jobs/catalog.similar", as: root)
            let notAdmin = try await client.send(.post, "/v1/admin/jobs/catalog.similar", as: reader)
            let anonymous = try await client.send(.post, "/v1/admin/jobs/catalog.similar")
            let unknown = try await client.send(.post, "/v1/admin/jobs/nosuchkind", as: root)
            let noop = try await client.send(.post, "/v1/admin/jobs/noop", as: root)
            let noopAgain = try await client.send(.post, "/v1/admin/jobs/noop", as: root)

            // check
            #expect(started.status == .accepted)
            let job = started.body.json["job"] as? [String: Any] ?? [:]
            let id = job.int("id") ?? 0
            #expect(started.headers[.location] == "/v1/jobs/\(id)")
            #expect(job["kind"] as? String == "catalog.similar")
            #expect(job["state"] as? String == "queued")
            #expect((again.body.json["job"] as? [String: Any])?.int("id") == id, "one at a time: a second start returns the waiting one")
            #expect(notAdmin.status == .forbidden)
            #expect(notAdmin.body.json.error["code"] as? String == "forbidden")
            #expect(anonymous.status == .unauthorized)
            #expect(unknown.status == .notFound)
            #expect(unknown.body.json.error["code"] as? String == "unknown_job_kind")
            #expect((unknown.body.json.error["message"] as? String)?.contains("catalog.stats") == true)
            let noopJob = noop.body.json["job"] as? [String: Any] ?? [:]
            #expect(noop.status == .accepted && noopAgain.status == .accepted)
            #expect(noopJob["kind"] as? String == "noop")
            let noopID = noopJob.int("id") ?? 0, noopAgainID = (noopAgain.body.json["job"] as? [String: Any])?.int("id") ?? 0
            #expect(noopID > 0 && noopAgainID > noopID, "noop has no unique key: every start is a new job")
            for kind in ["catalog.stats", "counters.check", "counters.repair", "exports.prune"] {
                #expect(try await client.send(.post, "/v1/admin/jobs/\(kind)", as: root).status == .accepted, "\(kind)")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func worksAndAuthorsShowTheirStatsAndSimilarWorks(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: two readers shelve two books of one author; one rates the first twice
            let root = try await client.signUpAdmin("root", database: database)
            let ann = try await client.signUp("ann"), bob = try await client.signUp("bob")
            let first = try await client.addEdition("First", authors: ["Ann Author"], as: root)
            let second = try await client.addEdition("Second", authors: ["Ann Author"], as: root)
            let (firstWork, secondWork) = (first.int("work_id") ?? 0, second.int("work_id") ?? 0)
            let authorID = ((first["authors"] as? [[String: Any]])?.first)?.int("id") ?? 0
            for user in [ann, bob] {
                let shelves = try await client.send(.get, "/v1/users/\(user.username)/shelves", as: user).body.json.items
                let read = shelves.first { $0["identifier"] as? String == "read" }?.int("id") ?? 0
                for edition in [first, second] {
                    let shelved = try await client.send(.put, "/v1/shelves/\(read)/books/\(edition.int("id") ?? 0)", as: user)
                    #expect(shelved.status == .ok || shelved.status == .created, "\(String(buffer: shelved.body))")
                }
            }
            for (user, rating) in [(ann, 2.0), (ann, 4.5), (bob, 3.0)] {
                try await client.post(["type": "review", "edition_id": first.int("id") ?? 0, "body": "b", "rating": rating, "privacy": "public"], as: user)
            }
            let before = try await client.send(.get, "/v1/works/\(firstWork)").body.json

            // call
            let stats = try await Self.start("catalog.stats", as: root, client, database)
            let similar = try await Self.start("catalog.similar", as: root, client, database)
            let work = try await client.send(.get, "/v1/works/\(firstWork)").body.json
            let author = try await client.send(.get, "/v1/authors/\(authorID)").body.json
            let list = try await client.send(.get, "/v1/works/\(firstWork)/similar").body.json
            let trimmed = try await client.send(.get, "/v1/works/\(firstWork)?fields=id,title").body.json
            let missing = try await client.send(.get, "/v1/works/999999/similar")

            // check
            #expect(before["stats"] == nil, "no stats before the first run")
            #expect(stats.state == .succeeded && similar.state == .succeeded)
            let workStats = work["stats"] as? [String: Any] ?? [:]
            #expect(workStats.int("readers") == 2)
            #expect((workStats["shelved"] as? [String: Any])?.int("read") == 2)
            #expect((workStats["shelved"] as? [String: Any])?.int("to_read") == 0)
            #expect(workStats.int("ratings_count") == 2, "ann's latest rating only")
            #expect(workStats["average_rating"] as? Double == 3.75)
            #expect((workStats["rating_histogram"] as? [Int]) == [0, 0, 0, 0, 0, 1, 0, 0, 1, 0])
            #expect(workStats["computed_at"] is String)
            let authorStats = author["stats"] as? [String: Any] ?? [:]
            #expect(authorStats.int("works") == 2 && authorStats.int("editions") == 2 && authorStats.int("readers") == 2)
            #expect(authorStats.int("ratings_count") == 2)
            #expect(authorStats["average_rating"] as? Double == 3.75)
            #expect(list.items.count == 1)
            #expect((list.items.first?["work"] as? [String: Any])?.int("id") == secondWork)
            #expect(((list.items.first?["work"] as? [String: Any])?["authors"] as? [[String: Any]])?.first?["name"] as? String == "Ann Author")
            #expect(list.items.first?.int("shared_readers") == 2)
            #expect(list.keys.contains("next_cursor"))
            #expect(trimmed["stats"] == nil)
            #expect(missing.status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func countersCheckRecordsDriftAndRepairsOnlyWhenConfigured(engine: TestEngine) async throws {
        for repair in [false, true] {
            try await withTestApp(engine, configure: { $0.schedules.countersCheckRepair = repair }) { client, database in
                // setup: every work's shelved-readers count one too high
                var plan = SeedPlan()
                (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings) = (5, 5, 5, 10, 20)
                _ = try await Seeder(database: database, plan: plan).run()
                try await database.write { try await $0.raw("UPDATE work_counts SET shelved_users = shelved_users + 1").run() }
                let root = try await client.signUpAdmin("root", database: database)
                let broken = try await database.read { try await $0.raw("SELECT count(*) AS n FROM work_counts").first()?.decode(column: "n", as: Int.self) ?? 0 }
                let before = try await MetricsScrape.scrape(client).value("quire_count_drift_found_total", ["table": "work_counts"]) ?? 0

                // call
                let job = try await Self.start("counters.check", as: root, client, database)
                let after = try await MetricsScrape.scrape(client)
                let left = try await CounterAudit(database: database).run(repair: false).filter { $0.counter == "work_counts.shelved_users" }.count

                // check
                #expect(job.state == .succeeded, "\(job.lastError ?? "")")
                let drifted = (try JSONSerialization.jsonObject(with: Data((job.result ?? "{}").utf8)) as? [String: Any])?["drifted"] as? Int ?? 0
                #expect(broken > 0 && drifted >= broken)
                #expect((after.value("quire_count_drift_found_total", ["table": "work_counts"]) ?? 0) - before >= Double(broken))
                #expect(job.result?.contains(#""repaired":\#(repair ? drifted : 0)"#) == true, "\(job.result ?? "")")
                #expect(left == (repair ? 0 : broken), "repair \(repair): \(left) left")
            }
        }
    }
}
