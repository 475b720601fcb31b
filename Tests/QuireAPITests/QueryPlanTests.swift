import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import SQLKit
import TestSupport
import Testing

/// Lesson 5: every hot query uses an index. Each statement the endpoints run is replayed under
/// EXPLAIN (QUERY PLAN) with its own bound values, and a full scan of a big table fails the test.
/// On PostgreSQL sequential scans are switched off for the EXPLAIN, so a Seq Scan in the plan
/// means no index could serve the query at all, whatever the table's size.
@Suite struct QueryPlanTests {
    static let bigTables = ["users", "editions", "works", "authors", "shelf_books", "shelves", "sessions", "readthroughs", "work_authors",
                            "statuses", "follows", "follow_requests", "blocks", "likes", "notifications", "home_entries", "status_mentions",
                            "status_counts", "user_shard_counts", "user_counts", "work_counts", "shelf_counts", "user_work_shelvings",
                            "jobs", "broadcasters", "periodic_runs", "exports", "work_stats", "author_stats", "work_similar", "job_cursors",
                            "imports", "import_rows", "edition_words"]

    @Test(arguments: TestEngine.all)
    func noEndpointQueryScansABigTable(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .zero }) { client, database in
            // setup: a small catalog and some shelving, outside the recording
            let bob = try await client.signUp("bob")
            for index in 0..<30 { try await client.addEdition("Filler \(index)", authors: ["Filler Author \(index)"], as: bob) }

            // call: every catalog, account and shelf endpoint, recorded
            let (_, recorder) = try await StatementRecorder.recording {
                let ada = try await client.signUp("ada")
                let edition = try await client.addEdition("The Hobbit", authors: ["J. R. R. Tolkien"], isbn13: "9780261102217", as: ada)
                let editionID = edition.int("id") ?? 0
                let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
                let read = shelves.first { $0["identifier"] as? String == "read" }?.int("id") ?? 0
                let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
                _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(editionID)", as: ada)
                _ = try await client.send(.put, "/v1/shelves/\(read)/books/\(editionID)", as: ada)
                _ = try await client.send(.get, "/v1/shelves/\(read)/books?limit=5", as: ada)
                _ = try await client.send(.delete, "/v1/shelves/\(read)/books/\(editionID)", as: ada)
                let custom = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Favourites"]).body.json.int("id") ?? 0
                _ = try await client.send(.put, "/v1/shelves/\(custom)/books/\(editionID)", as: ada)
                _ = try await client.send(.patch, "/v1/shelves/\(custom)", as: ada, json: ["name": "Loved"])
                _ = try await client.send(.delete, "/v1/shelves/\(custom)", as: ada)
                _ = try await client.send(.get, "/v1/editions/\(editionID)")
                _ = try await client.send(.patch, "/v1/editions/\(editionID)", as: ada, json: ["pages": 310])
                _ = try await client.send(.get, "/v1/isbn/9780261102217")
                _ = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)")
                let author = (edition["authors"] as? [[String: Any]])?.first?.int("id") ?? 0
                _ = try await client.send(.get, "/v1/authors/\(author)")
                _ = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)/similar")
                _ = try await client.send(.get, "/v1/search?q=tolk")
                _ = try await client.send(.get, "/v1/me", as: ada)
                _ = try await client.send(.patch, "/v1/me", as: ada, json: ["bio": "hi"])
                let readthrough = try await client.send(.post, "/v1/editions/\(editionID)/readthroughs", as: ada, json: ["started_on": "2026-01-02"])
                let readthroughID = readthrough.body.json.int("id") ?? 0
                _ = try await client.send(.get, "/v1/editions/\(editionID)/readthroughs", as: ada)
                _ = try await client.send(.patch, "/v1/readthroughs/\(readthroughID)", as: ada, json: ["progress": 20])
                _ = try await client.send(.delete, "/v1/readthroughs/\(readthroughID)", as: ada)
                _ = try await client.send(.delete, "/v1/sessions/current", as: ada)
            }

            // check
            try await Self.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 40)
        }
    }

    /// The web pages' reads (QuireWeb), signed in by the session cookie: the same functions as the
    /// API's plus the few of their own (a shelf by its identifier, the shelves holding a book).
    @Test(arguments: TestEngine.all)
    func noWebPageQueryScansABigTable(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .zero }) { client, database in
            // setup: ada with a book on a shelf and a review of it, outside the recording
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            for index in 0..<30 { try await client.addEdition("Filler \(index)", authors: ["Filler Author \(index)"], as: bob) }
            let editionID = try await client.addEdition("The Hobbit", authors: ["J. R. R. Tolkien"], as: ada).int("id") ?? 0
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
            _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(editionID)", as: ada)
            let review = try await client.post(["type": "review", "edition_id": editionID, "body": "fine", "rating": 4], as: ada).int("id") ?? 0
            let cookie: HTTPFields = [.cookie: "quire_session=\(ada.token)"]

            // call: every page a reader reads, recorded
            let (_, recorder) = try await StatementRecorder.recording {
                for page in ["/", "/book/\(editionID)", "/user/ada", "/user/ada/shelf/to-read", "/status/\(review)", "/search?q=hobbit",
                             "/notifications", "/settings", "/follow-requests", "/import", "/export"] {
                    let response = try await client.execute(uri: page, method: .get, headers: cookie, body: nil)
                    #expect(response.status == .ok, "\(page)")
                }
            }

            // check
            try await Self.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 30)
        }
    }

    /// An import's request, report and batch statements: the upload's checks and enqueue, the
    /// listing, the report and failed.csv, and the job's pass (run here, so it is recorded): the
    /// catalog looked up by ISBN, OpenLibrary key and match key, the reader's library read,
    /// editions made and the library written.
    @Test(arguments: TestEngine.all)
    func noImportQueryScansABigTable(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { configuration in
            configuration.sessionCacheTTL = .zero
            configuration.worker.concurrency = 0
            configuration.exports = ExportSettings(dataDirectory: folder)
        }) { client, database in
            // setup: a small catalog, outside the recording
            let bob = try await client.signUp("bob")
            for index in 0..<30 { try await client.addEdition("Filler \(index)", authors: ["Filler Author \(index)"], isbn13: nil, as: bob) }
            _ = try await client.addEdition("Kindred", authors: ["Octavia E. Butler"], isbn13: "9780807083697", as: bob)
            let ada = try await client.signUp("ada")
            let file = "Title,Author,ISBN13,My Rating,Exclusive Shelf,Bookshelves,Date Read,My Review\n"
                + "Kindred,Octavia E. Butler,=\"9780807083697\",4,read,favourites,2024/01/02,fine\n"
                + "Filler 3,Filler Author 3,,3,to-read,,,\nA New Book,Someone New,,5,read,,2024/02/03,new\n,,,,read,,,\n"

            // call
            let (_, recorder) = try await StatementRecorder.recording {
                let started = try await client.execute(
                    uri: "/v1/me/imports?format=goodreads", method: .post,
                    headers: [.authorization: "Bearer \(ada.token)", .contentType: "text/csv"], body: ByteBuffer(string: file))
                let id = started.body.json.int("import_id") ?? 0
                _ = try await AccountImporter(database: database, settings: ImportSettings(dataDirectory: folder)).run(importID: id) { _, _ in }
                _ = try await client.send(.get, "/v1/me/imports", as: ada)
                _ = try await client.send(.get, "/v1/me/imports/\(id)", as: ada)
                _ = try await client.send(.get, "/v1/me/imports/\(id)/rows?result=failed", as: ada)
                _ = try await client.send(.get, "/v1/me/imports/\(id)/failed.csv", as: ada)
            }

            // check
            try await Self.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 20)
        }
    }

    /// Every timeline, profile, notification and social write query.
    @Test(arguments: TestEngine.all)
    func noSocialQueryScansABigTable(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.fanoutLimit = 2; $0.sessionCacheTTL = .zero }) { client, database in
            // setup, outside the recording: enough people for a broadcaster
            let star = try await client.signUp("star")
            for index in 0..<3 {
                let fan = try await client.signUp("fan\(index)")
                try await client.follow("star", as: fan)
            }
            let filler = try await client.signUp("filler")
            for index in 0..<20 { _ = try await client.note("filler \(index)", as: filler) }

            // call
            let (_, recorder) = try await StatementRecorder.recording {
                let ada = try await client.signUp("ada")
                let bob = try await client.signUp("bob")
                let edition = try await client.addEdition("The Telling", as: ada)
                let review = try await client.post(["type": "review", "edition_id": edition.int("id") ?? 0, "body": "good", "rating": 4,
                                                    "privacy": "followers"], as: ada).int("id") ?? 0
                _ = try await client.send(.post, "/v1/users/ada/follow", as: bob)
                _ = try await client.send(.post, "/v1/users/star/follow", as: bob)
                let starNote = try await client.note("hello fans @bob", as: star).int("id") ?? 0
                let reply = try await client.note("hi @ada", as: bob, replyTo: review).int("id") ?? 0
                _ = try await client.send(.post, "/v1/statuses/\(review)/like", as: bob)
                _ = try await client.send(.delete, "/v1/statuses/\(review)/like", as: bob)
                _ = try await client.send(.post, "/v1/statuses/\(starNote)/boost", as: ada)
                _ = try await client.send(.delete, "/v1/statuses/\(starNote)/boost", as: ada)
                _ = try await client.send(.post, "/v1/statuses/\(starNote)/boost", as: ada)
                _ = try await client.send(.patch, "/v1/statuses/\(review)", as: ada, json: ["rating": 5])
                _ = try await client.send(.get, "/v1/statuses/\(review)", as: bob)
                _ = try await client.send(.get, "/v1/statuses/\(reply)/thread", as: bob)
                _ = try await client.send(.get, "/v1/timelines/home?limit=5", as: bob)
                _ = try await client.send(.get, "/v1/timelines/home?limit=5", as: ada)
                _ = try await client.send(.get, "/v1/users/ada", as: bob)
                _ = try await client.send(.get, "/v1/users/star")
                _ = try await client.send(.get, "/v1/users/ada/statuses", as: bob)
                _ = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)/reviews", as: bob)
                _ = try await client.send(.get, "/v1/notifications", as: ada)
                _ = try await client.send(.post, "/v1/notifications/read", as: ada)
                _ = try await client.send(.patch, "/v1/me", as: ada, json: ["manually_approves_followers": true])
                _ = try await client.send(.post, "/v1/users/ada/follow", as: star)
                _ = try await client.send(.get, "/v1/follow_requests", as: ada)
                _ = try await client.send(.post, "/v1/follow_requests/star/approve", as: ada)
                _ = try await client.send(.delete, "/v1/users/ada/follow", as: bob)
                _ = try await client.send(.post, "/v1/users/bob/block", as: ada)
                _ = try await client.send(.delete, "/v1/users/bob/block", as: ada)
                _ = try await client.send(.delete, "/v1/statuses/\(reply)", as: bob)
            }

            // check
            try await Self.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 60)
        }
    }

    static func expectNoFullScans(_ recorder: StatementRecorder, database: Database, engine: TestEngine, atLeast: Int) async throws {
            let statements = recorder.recorded.filter { statement in
                let head = statement.sql.prefix(8).uppercased()
                return !head.hasPrefix("BEGIN") && !head.hasPrefix("COMMIT") && !head.hasPrefix("ROLLBACK")
            }
            #expect(statements.count > atLeast)
            for statement in statements {
                #expect(!statement.sql.uppercased().contains("OFFSET"), "OFFSET pagination in:\n\(statement.sql)")
                let plan = try await Self.plan(of: statement, on: database)
                let scans = Self.fullScans(in: plan, sql: statement.sql, engine: engine)
                #expect(scans.isEmpty, "full scan of \(scans) in:\n\(statement.sql)\nplan:\n\(plan.joined(separator: "\n"))")
            }
    }

    static func plan(of statement: RecordedStatement, on database: Database) async throws -> [String] {
        switch database.engine {
        case .sqlite:
            return try await database.read { db in
                try await db.execute(sql: statement.prefixed("EXPLAIN QUERY PLAN "))
            }.map { try $0.decode(column: "detail", as: String.self) }
        case .postgres:
            // In a transaction that is rolled back, so SET LOCAL ends with it.
            return try await database.read { db in
                try await db.raw("BEGIN").run()
                try await db.raw("SET LOCAL enable_seqscan = off").run()
                let rows = try await db.execute(sql: statement.prefixed("EXPLAIN "))
                try await db.raw("ROLLBACK").run()
                return try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }
            }
        }
    }

    /// The big tables a plan reads whole. SQLite names a table by its alias when it has one
    /// ("SCAN s"), so aliases are read off the statement's FROM and JOIN clauses first. On
    /// PostgreSQL a Seq Scan is one, and so is an Index Scan with no Index Cond: it walks the
    /// whole index and only filters.
    static func fullScans(in plan: [String], sql: String, engine: TestEngine) -> [String] {
        switch engine {
        case .sqlite:
            let names = tableNames(in: sql)
            return plan.compactMap { line -> String? in
                // "SCAN t" reads every row (with or without an index); "SEARCH t USING INDEX" doesn't.
                guard !line.contains("VIRTUAL TABLE"),
                      let match = line.firstMatch(of: /\bSCAN (\w+)/), let table = names[String(match.1)] ?? bigTables.first(where: { $0 == String(match.1) }),
                      bigTables.contains(table)
                else { return nil }
                return table
            }
        case .postgres:
            var scans: [String] = []
            for (index, line) in plan.enumerated() {
                guard let match = line.firstMatch(of: /(Seq Scan|Index Scan|Index Only Scan)(?: Backward)?(?: using \w+)? on (\w+)/),
                      bigTables.contains(String(match.2))
                else { continue }
                if match.1 == "Seq Scan" { scans.append(String(match.2)); continue }
                // The node's own detail lines are the ones indented deeper that follow it, up to the next node.
                let indent = line.prefix { $0 == " " }.count
                let details = plan[(index + 1)...].prefix { next in
                    next.prefix { $0 == " " }.count > indent && !next.contains("->")
                }
                if !details.contains(where: { $0.contains("Index Cond") }) { scans.append(String(match.2) + " (whole index)") }
            }
            return scans
        }
    }

    /// Alias (or the table's own name) to table, from `FROM t a`, `JOIN t AS a` and `FROM t`.
    static func tableNames(in sql: String) -> [String: String] {
        var names: [String: String] = [:]
        let keywords: Set<String> = ["where", "join", "left", "inner", "on", "order", "group", "limit", "union", "set", "using", "cross", "natural"]
        for match in sql.matches(of: /(?i)\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/) {
            let table = String(match.1)
            names[table] = table
            if let alias = match.2.map(String.init), !keywords.contains(alias.lowercased()) { names[alias] = table }
        }
        return names
    }

    /// The nightly catalog jobs' batch statements (issue 15): each batch reads a range of works or
    /// authors, or a set of readers, through an index, never a whole table. SQLite only: on the
    /// test's tiny tables PostgreSQL, with sequential scans off, joins shelves, editions and
    /// work_stats by hashing a whole index instead of looking rows up by key, which says nothing
    /// about the plan at scale (the bench's numbers are where that shows).
    @Test(arguments: [TestEngine.sqlite])
    func catalogJobBatchesReadRangesThroughIndexes(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup
            var plan = SeedPlan()
            (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings, plan.statuses) = (20, 10, 30, 60, 200, 200)
            _ = try await Seeder(database: database, plan: plan).run()

            // call: one batch of each phase, as the jobs run them
            let (_, recorder) = try await StatementRecorder.recording {
                try await database.write { db in
                    let works = try await CatalogStatsQueries.nextIDs(.works, after: 5, limit: 10, on: db)
                    try await CatalogStatsQueries.save(try await CatalogStatsQueries.workStats(works, after: 5, now: 1, on: db), on: db)
                    let authors = try await CatalogStatsQueries.nextIDs(.authors, after: 2, limit: 5, on: db)
                    try await CatalogStatsQueries.save(try await CatalogStatsQueries.authorStats(authors, after: 2, now: 1, on: db), on: db)
                    try await SimilarWorksQueries.sampledReaders(after: 5, through: 15, perWork: 100, on: db) { _, _ in }
                    try await SimilarWorksQueries.readerWorks([1, 2, 3], perReader: 50, on: db) { _, _ in }
                    try await SimilarWorksQueries.replace(after: 5, through: 15, with: [.init(workID: 6, rank: 1, similarWorkID: 7, sharedReaders: 1)], now: 1, on: db)
                    try await JobCursorQueries.save(kind: "catalog.similar", jobID: 1, JobCursor(phase: "works", afterID: 15, done: 10), now: 1, on: db)
                    _ = try await JobCursorQueries.find(kind: "catalog.similar", jobID: 1, on: db)
                    _ = try await CatalogStatsQueries.work(6, on: db)
                    _ = try await CatalogStatsQueries.author(3, on: db)
                    _ = try await SimilarWorksQueries.list(6, afterRank: 0, limit: 11, on: db)
                }
            }

            // check
            try await Self.expectNoFullScans(recorder, database: database, engine: engine, atLeast: 12)
        }
    }
}

final class RowCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [any SQLRow] = []
    func append(_ row: any SQLRow) { lock.lock(); collected.append(row); lock.unlock() }
    var rows: [any SQLRow] { lock.lock(); defer { lock.unlock() }; return collected }
}

extension SQLDatabase {
    /// Runs an expression and returns its rows.
    func execute(sql expression: any SQLExpression) async throws -> [any SQLRow] {
        let rows = RowCollector()
        try await self.execute(sql: expression) { rows.append($0) }
        return rows.rows
    }
}
