import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

/// Lesson 1: an export's cost is the reader's own data. The same batches cost the same
/// statements whatever the account holds, and every statement starts from the reader's rows
/// through an index (no scan of editions, works or statuses).
@Suite struct ExportCostTests {
    /// `count` books for `user` straight into the tables: each its own work, author and edition, on the
    /// to-read shelf; every tenth also read, reviewed and commented on. Another reader's shelf
    /// of the same books stays out of the export.
    static func seedBooks(_ count: Int, for user: APIUser, other: APIUser, client: any TestClientProtocol, database: Database) async throws {
        let shelf = try await client.shelfID("to-read", of: user)
        let othersShelf = try await client.shelfID("read", of: other)
        let (userID, otherID) = (user.id, other.id)
        try await database.write { db in
            for index in 0..<count {
                let now = Int64(1_700_000_000_000_000 + index)
                let work = try await db.raw("INSERT INTO works (title, created_at) VALUES (\(bind: "Work \(index)"), \(bind: now)) RETURNING id")
                    .first()?.decode(column: "id", as: Int64.self) ?? 0
                let edition = try await db.raw("""
                    INSERT INTO editions (work_id, title, author_names, created_at, updated_at)
                    VALUES (\(bind: work), \(bind: "Book \(index)"), 'Someone', \(bind: now), \(bind: now)) RETURNING id
                    """).first()?.decode(column: "id", as: Int64.self) ?? 0
                let author = try await db.raw("""
                    INSERT INTO authors (name, name_key, created_at) VALUES (\(bind: "Author \(index)"), \(bind: "author \(index)"), \(bind: now))
                    RETURNING id
                    """).first()?.decode(column: "id", as: Int64.self) ?? 0
                try await db.raw("INSERT INTO work_authors (work_id, author_id, position) VALUES (\(bind: work), \(bind: author), 0)").run()
                for (owner, shelfID) in [(userID, shelf), (otherID, othersShelf)] {
                    try await db.raw("""
                        INSERT INTO shelf_books (shelf_id, edition_id, user_id, work_id, shelved_at)
                        VALUES (\(bind: shelfID), \(bind: edition), \(bind: owner), \(bind: work), \(bind: now))
                        """).run()
                }
                guard index % 10 == 0 else { continue }
                try await db.raw("""
                    INSERT INTO readthroughs (user_id, edition_id, started_on, progress_mode, created_at, updated_at)
                    VALUES (\(bind: userID), \(bind: edition), '2026-01-01', 'pages', \(bind: now), \(bind: now))
                    """).run()
                for kind in ["review", "comment"] {
                    try await db.raw("""
                        INSERT INTO statuses (user_id, kind, edition_id, work_id, body, rating, privacy, created_at)
                        VALUES (\(bind: userID), \(bind: kind), \(bind: edition), \(bind: work), 'text', \(bind: kind == "review" ? 8 : nil as Int?),
                                'public', \(bind: now))
                        """).run()
                }
            }
        }
    }

    /// The statements of one export, with IN lists folded so batches of different sizes compare.
    static func exportStatements(_ user: APIUser, batchSize: Int, database: Database, folder: String) async throws -> StatementRecorder {
        var settings = ExportSettings(dataDirectory: folder)
        settings.batchSize = batchSize
        let exporter = AccountExporter(database: database, settings: settings)
        let path = (folder as NSString).appendingPathComponent("cost-\(user.username)-\(batchSize).csv")
        let (written, recorder) = try await StatementRecorder.recording {
            try await exporter.write(userID: user.id, format: .goodreads, to: path) { _, _ in }
        }
        #expect(written.books > 0)
        return recorder
    }

    static func folded(_ sql: String) -> String {
        sql.replacingOccurrences(of: #"(\$\d+|\?\d*)(\s*,\s*(\$\d+|\?\d*))+"#, with: "…", options: .regularExpression)
    }

    @Test(arguments: TestEngine.all)
    func aHundredAndAThousandBooksCostTheSameStatementsInBatchesOfOneSize(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            // setup: ada has 100 books, bea 1,000, each also shelved by the other reader cal
            let ada = try await client.signUp("ada")
            let bea = try await client.signUp("bea")
            let cal = try await client.signUp("cal")
            try await Self.seedBooks(100, for: ada, other: cal, client: client, database: database)
            try await Self.seedBooks(1000, for: bea, other: cal, client: client, database: database)
            for name in ["dan", "eli", "fay"] {
                _ = try await client.signUp(name)
                try await client.follow(name, as: ada)
                try await client.follow(name, as: bea)
            }
            // With statistics, as a live database has them: PostgreSQL chose whole-index merge
            // joins of works and authors for a batch once autovacuum had analysed these tables.
            try await database.write { try await $0.raw("ANALYZE").run() }

            // call: ten batches each
            let small = try await Self.exportStatements(ada, batchSize: 10, database: database, folder: folder)
            let large = try await Self.exportStatements(bea, batchSize: 100, database: database, folder: folder)

            // check
            #expect(small.count == large.count, "statements for 100 books: \(small.count), for 1,000: \(large.count)")
            #expect(small.statements.map(Self.folded) == large.statements.map(Self.folded))
            // 2 to start (the account with its count, its shelves), 8 a batch (its ids, then its books in 7), an empty
            // batch to end, then follows and blocks
            #expect(small.count <= 2 + 10 * 8 + 1 + 2, "\(small.count) statements")
            try await QueryPlanTests.expectNoFullScans(small, database: database, engine: engine, atLeast: 10)
        }
    }

    /// The routes and the prune job read exports through the owner's index and the expiry index.
    @Test(arguments: TestEngine.all)
    func theExportRoutesAndThePruneUseIndexes(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = ExportSettings(dataDirectory: folder, interval: .seconds(3600))
        try await withTestApp(engine, configure: { $0.exports = settings; $0.worker.concurrency = 0; $0.sessionCacheTTL = .zero }) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            for name in ["bea", "cal"] {
                let other = try await client.signUp(name)
                _ = try await client.send(.post, "/v1/me/exports", as: other, json: ["format": "goodreads"])
            }

            // call
            let (_, recorder) = try await StatementRecorder.recording {
                let started = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "goodreads"])
                _ = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "goodreads"])
                _ = try await client.send(.get, "/v1/me/exports?limit=5", as: ada)
                _ = try await client.send(.get, "/v1/me/exports/\(started.body.json.int("export_id") ?? 0)/download", as: ada)
                _ = try await database.read { try await ExportQueries.expired(now: Int64.max, limit: 10, on: $0) }
            }

            // check
            try await QueryPlanTests.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 8)
        }
    }
}
