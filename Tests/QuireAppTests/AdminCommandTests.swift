import Foundation
import QuireStore
import TestSupport
import Testing

@Suite(.serialized) struct AdminCommandTests {
    @Test(arguments: TestEngine.all)
    func usersCreateAndGrantAdminFromTheCommandLine(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            let url = ServeProcessTests.text(database.url)
            // call
            let create = try QuireProcess(["users", "create", "root", "--admin", "--password", "long enough password", "--database-url", url])
            let plain = try QuireProcess(["users", "create", "reader", "--database-url", url])
            let createStatus = await create.waitForExit(timeout: .seconds(60))
            let plainStatus = await plain.waitForExit(timeout: .seconds(60))
            let grant = try QuireProcess(["users", "grant-admin", "READER", "--database-url", url])
            let grantStatus = await grant.waitForExit(timeout: .seconds(30))
            let missing = try QuireProcess(["users", "grant-admin", "nobody", "--database-url", url])
            let missingStatus = await missing.waitForExit(timeout: .seconds(30))

            // check
            #expect(createStatus == 0, "\(create.standardError)")
            #expect(plainStatus == 0, "\(plain.standardError)")
            #expect(grantStatus == 0, "\(grant.standardError)")
            #expect(missingStatus == 1)
            let root = try await database.read { try await UserQueries.find(username: "root", on: $0) }
            let reader = try await database.read { try await UserQueries.find(username: "reader", on: $0) }
            #expect(root?.isAdmin == true)
            #expect(reader?.isAdmin == true)
        }
    }

    @Test(arguments: TestEngine.all)
    func exportFromTheCommandLine(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: seeded users with shelvings; a folder for the file
            let url = ServeProcessTests.text(database.url)
            var plan = SeedPlan()
            (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings) = (3, 5, 10, 20, 30)
            _ = try await Seeder(database: database, plan: plan).run()
            let reader = try await database.read { try await $0.raw("SELECT username FROM users ORDER BY id LIMIT 1").first()?
                .decode(column: "username", as: String.self) } ?? ""
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let out = (folder as NSString).appendingPathComponent("library.csv")

            // call
            let export = try QuireProcess(["export", reader, "--format", "goodreads", "--out", out, "--database-url", url])
            let status = await export.waitForExit(timeout: .seconds(60))
            let badFormat = try QuireProcess(["export", reader, "--format", "pdf", "--out", out, "--database-url", url])
            let badStatus = await badFormat.waitForExit(timeout: .seconds(30))

            // check
            #expect(status == 0, "\(export.standardError)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasPrefix("Book Id,Title,Author,"))
            #expect(text.split(separator: "\n").count > 1, "the reader's books are rows")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["library.csv"], "no partial file is left")
            #expect(badStatus == 1)
            #expect(badFormat.standardError.contains("--format must be one of"))
        }
    }

    @Test(arguments: TestEngine.all)
    func importFromTheCommandLine(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a reader and a Goodreads file of two books, one without a title or ISBN
            let url = ServeProcessTests.text(database.url)
            var plan = SeedPlan()
            (plan.users, plan.authors, plan.works, plan.editions) = (1, 1, 1, 1)
            _ = try await Seeder(database: database, plan: plan).run()
            let reader = try await database.read { try await $0.raw("SELECT username FROM users ORDER BY id LIMIT 1").first()?
                .decode(column: "username", as: String.self) } ?? ""
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let file = (folder as NSString).appendingPathComponent("goodreads_library_export.csv")
            try "Title,Author,ISBN13,My Rating,Exclusive Shelf\nKindred,Octavia E. Butler,,4,read\n,,,3,read\n"
                .write(toFile: file, atomically: true, encoding: .utf8)
            let environment = ["QUIRE_DATA_DIR": (folder as NSString).appendingPathComponent("data")]

            // call
            let log = URL(fileURLWithPath: (folder as NSString).appendingPathComponent("import.log"))
            let run = try QuireProcess(["import", reader, file, "--database-url", url], environment: environment, log: log)
            let status = await run.waitForExit(timeout: .seconds(60))
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let badFormat = try QuireProcess(["import", reader, file, "--format", "pdf", "--database-url", url], environment: environment)
            let badStatus = await badFormat.waitForExit(timeout: .seconds(30))
            let unknown = try QuireProcess(["import", "nobody", file, "--database-url", url], environment: environment)
            let unknownStatus = await unknown.waitForExit(timeout: .seconds(30))

            // check
            #expect(status == 0, "\(run.standardError)")
            #expect(output.contains("imported 2 rows"), "\(output)")
            #expect(output.contains("1 created"))
            #expect(output.contains("1 failed"))
            let reported = try await database.read { db in
                try await db.raw("SELECT reason FROM import_rows WHERE result = 'failed'").all().map { try $0.decode(column: "reason", as: String.self) }
            }
            #expect(reported == ["row 2: no title and no ISBN"], "listed like any import, with its report")
            #expect(badStatus == 1)
            #expect(badFormat.standardError.contains("--format must be one of"))
            #expect(unknownStatus == 1)
            #expect(unknown.standardError.contains("no user named nobody"))
        }
    }

    @Test(arguments: TestEngine.all)
    func countersCheckAndRepairFromTheCommandLine(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            let url = ServeProcessTests.text(database.url)
            var plan = SeedPlan()
            (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings) = (5, 5, 5, 10, 20)
            _ = try await Seeder(database: database, plan: plan).run()
            try await database.write { try await $0.raw("UPDATE shelf_counts SET books = books + 1").run() }

            let check = try QuireProcess(["counters", "check", "--database-url", url])
            let checkStatus = await check.waitForExit(timeout: .seconds(60))
            let repair = try QuireProcess(["counters", "repair", "--database-url", url])
            let repairStatus = await repair.waitForExit(timeout: .seconds(60))
            let again = try QuireProcess(["counters", "check", "--database-url", url])
            let againStatus = await again.waitForExit(timeout: .seconds(60))

            #expect(checkStatus == 1)
            #expect(repairStatus == 0)
            #expect(againStatus == 0)
        }
    }
}
