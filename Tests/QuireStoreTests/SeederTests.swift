import QuireStore
import SQLKit
import TestSupport
import Testing

@Suite struct SeederTests {
    static var plan: SeedPlan {
        var plan = SeedPlan()
        (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings, plan.seed) = (30, 20, 40, 90, 300, 7)
        return plan
    }

    @Test(arguments: TestEngine.all)
    func seedingMakesExactCountersAndTheSameDataForTheSameSeed(engine: TestEngine) async throws {
        // call: the same plan into two fresh databases
        let (firstRows, firstTitles) = try await withTestDatabase(engine) { database in
            let rows = try await Seeder(database: database, plan: Self.plan).run()
            let drift = try await CounterAudit(database: database).run(repair: false)
            #expect(drift.isEmpty, "\(drift)")
            let titles = try await database.read { db in
                try await db.raw("SELECT title FROM editions ORDER BY id").all().map { try $0.decode(column: "title", as: String.self) }
            }
            let shelved = try await database.read { db in
                try await db.raw("SELECT id FROM shelf_books").all().count
            }
            #expect(shelved == 300)
            #expect(titles.count == 90)
            // Seeded editions are found by their ISBN through the API's lookup path.
            let isbn = try await database.read { db in
                try await db.raw("SELECT isbn_13 FROM editions WHERE id = 1").first()?.decode(column: "isbn_13", as: String.self)
            }
            let found = try await database.read { try await EditionQueries.find(isbn13: isbn ?? "", on: $0) }
            #expect(found?.id == 1)
            // Seeded editions are in the search index too (SQLite indexes them in one pass after loading).
            let words = titles[0].lowercased().split(separator: " ").map(String.init)
            let hits = try await database.read { try await SearchQueries.editions(terms: words, after: nil, limit: 100, on: $0) }
            #expect(hits.contains { $0.edition.id == 1 })
            // ...and editions added later still are, through the trigger put back after seeding.
            _ = try await database.write { db -> EditionCreation in
                var new = NewEdition(title: "Zyzzyva Chronicles")
                new.authorNames = ["Q. Quux"]
                return try await EditionQueries.create(new, on: db)
            }
            let later = try await database.read { try await SearchQueries.editions(terms: ["zyzzyva"], after: nil, limit: 10, on: $0) }
            #expect(later.count == 1)
            return (rows, titles)
        }
        let secondTitles = try await withTestDatabase(engine) { database in
            _ = try await Seeder(database: database, plan: Self.plan).run()
            // A later ordinary insert gets a fresh id (PostgreSQL's identity sequences were moved on).
            let user = try await database.write { try await UserQueries.create(NewUser(username: "after_seed", email: nil, passwordHash: nil), on: $0) }
            #expect(user?.id == 31)
            return try await database.read { db in
                try await db.raw("SELECT title FROM editions ORDER BY id").all().map { try $0.decode(column: "title", as: String.self) }
            }
        }

        // check
        #expect(firstRows > 300 + 90 + 40 + 20 + 30 * 5)
        #expect(firstTitles == secondTitles)
    }
}

@Suite struct SocialSeederTests {
    @Test(arguments: TestEngine.all)
    func theSocialSeedBuildsWhatTheApplicationWouldHave(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup
            var plan = SeederTests.plan
            (plan.statuses, plan.boosts, plan.likes, plan.followsPerUser) = (25_000, 300, 2_000, 4)
            (plan.celebrityFollowers, plan.deepFollows, plan.fanoutLimit) = (60, 25, 20)

            // call
            _ = try await Seeder(database: database, plan: plan).run()

            // check: exact counters, the named accounts as promised, and homes as fan-out makes them
            let drift = try await CounterAudit(database: database).run(repair: false)
            #expect(drift.isEmpty, "\(drift.prefix(10))")
            let ids = try await database.read { db in
                var ids: [String: Int64] = [:]
                for name in ["celebrity", "tenfollowers", "celebfan", "smallfan", "deepreader"] {
                    ids[name] = try await UserQueries.find(username: name, on: db)?.id
                }
                return ids
            }
            let counts = try await database.read { db in
                (celebrity: try await ProfileQueries.counts(userID: ids["celebrity"] ?? 0, on: db),
                 ten: try await ProfileQueries.counts(userID: ids["tenfollowers"] ?? 0, on: db),
                 deep: try await ProfileQueries.counts(userID: ids["deepreader"] ?? 0, on: db))
            }
            #expect(counts.celebrity.followers == 60)
            #expect(counts.celebrity.statuses == 5)
            #expect(counts.ten.followers == 10)
            #expect(counts.deep.following == 25)
            let fanHome = try await database.read { try await HomeTimelineQueries.page(reader: ids["celebfan"] ?? 0, before: nil, limit: 400, on: $0).statuses }
            #expect(fanHome.contains { $0.userID == ids["celebrity"] })
            let smallHome = try await database.read { try await HomeTimelineQueries.page(reader: ids["smallfan"] ?? 0, before: nil, limit: 10_000, on: $0).statuses }
            #expect(smallHome.contains { $0.userID == ids["tenfollowers"] })
            #expect(!smallHome.contains { $0.userID == ids["celebrity"] })
            let deep = try await database.read { try await HomeTimelineQueries.page(reader: ids["deepreader"] ?? 0, before: nil, limit: 100, on: $0).statuses }
            #expect(deep.count == 100)
            #expect(deep.map(\.id) == deep.map(\.id).sorted(by: >))
        }
    }
}
