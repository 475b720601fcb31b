import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireStore
import TestSupport
import Testing

/// Lesson 5: a list costs the same number of SQL statements for 1 item or 100 (no N+1), and
/// nothing on a read path counts rows with COUNT.
@Suite struct QueryCountTests {
    /// Sessions are read from the database on every request here (no SessionCache), so each
    /// count includes signing in: the worst case, and the same however slowly the test runs.
    static let noSessionCache: @Sendable (inout QuireConfiguration) -> Void = { $0.sessionCacheTTL = .zero }

    /// The statements one request ran, as seen by the store's statement meter, with the
    /// process's caches emptied first: the worst case again, and the same in whatever order
    /// the requests run.
    func statements(_ database: Database, _ client: any TestClientProtocol, _ uri: String, as user: APIUser? = nil) async throws -> (TestResponse, [String]) {
        database.caches.empty()
        let (response, recorder) = try await StatementRecorder.recording { try await client.send(.get, uri, as: user) }
        return (response, recorder.statements)
    }

    /// Whether `sql` counts rows with COUNT. The one count allowed is search's, over the page's
    /// own first tier (`SearchQueries.page`): at most a page of rows the statement itself read.
    static func countsRows(_ sql: String) -> Bool {
        sql.uppercased().replacingOccurrences(of: "COUNT(*) FROM WHOLE)", with: "").contains("COUNT(")
    }

    @Test(arguments: TestEngine.all)
    func listsCostTheSameStatementsForOneTwentyOrAHundredItems(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: Self.noSessionCache) { client, database in
            // setup: 100 books on one shelf (each with its own work and author), 100 shelves, all matching "book"
            let ada = try await client.signUp("ada")
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
            for index in 0..<100 {
                let edition = try await client.addEdition("Book \(index)", authors: ["Author \(index)", "Coauthor \(index)"], as: ada)
                _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(edition.int("id") ?? 0)", as: ada)
            }
            for index in 0..<96 {
                _ = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Shelf \(index)"])
            }

            for path in ["/v1/shelves/\(toRead)/books", "/v1/users/ada/shelves", "/v1/search?q=book"] {
                var counts: [Int] = []
                for limit in [1, 20, 100] {
                    // call
                    let (response, sql) = try await statements(database, client, path + (path.contains("?") ? "&" : "?") + "limit=\(limit)", as: ada)

                    // check
                    #expect(response.status == .ok)
                    #expect(response.body.json.items.count == limit, "\(path) limit \(limit)")
                    #expect(!sql.contains { Self.countsRows($0) }, "\(path) counts rows on a read path")
                    counts.append(sql.count)
                }
                #expect(Set(counts).count == 1, "\(path): statements per page of 1, 20, 100 were \(counts)")
                #expect(counts[0] <= 4, "\(path): \(counts[0]) statements")
            }
        }
    }

    /// DEVELOPERS.md lesson 4: a home page of 15 statuses with their like, boost and reply counts
    /// and the viewer's own like and boost flags costs what a page of 1 does, with no COUNT.
    @Test(arguments: TestEngine.all)
    func aHomePageOfFifteenCostsWhatAPageOfOneDoes(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: Self.noSessionCache) { client, database in
            // setup: ada follows bob and cyd; bob reviews 20 books, cyd boosts and replies, ada likes
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let cyd = try await client.signUp("cyd")
            try await client.follow("bob", as: ada)
            try await client.follow("cyd", as: ada)
            var reviews: [Int64] = []
            for index in 0..<20 {
                let edition = try await client.addEdition("Book \(index)", authors: ["Author \(index)"], as: bob)
                reviews.append(try await client.post(["type": "review", "edition_id": edition.int("id") ?? 0, "body": "review \(index)",
                                                      "rating": 4], as: bob).int("id") ?? 0)
            }
            for id in reviews.prefix(6) {
                _ = try await client.send(.post, "/v1/statuses/\(id)/boost", as: cyd)
                _ = try await client.send(.post, "/v1/statuses/\(id)/like", as: ada)
                _ = try await client.post(["type": "comment", "edition_id": 1, "body": "agreed", "in_reply_to_id": id], as: cyd)
            }
            _ = try await client.send(.post, "/v1/statuses/\(reviews[7])/boost", as: ada)

            var counts: [Int] = []
            for limit in [1, 15] {
                // call
                let (response, sql) = try await statements(database, client, "/v1/timelines/home?limit=\(limit)", as: ada)

                // check
                #expect(response.status == .ok)
                let items = response.body.json.items
                #expect(items.count == limit)
                #expect(items.allSatisfy { $0["likes_count"] != nil && $0["boosts_count"] != nil && $0["replies_count"] != nil })
                #expect(!sql.contains { Self.countsRows($0) }, "home counts rows on a read path:\n\(sql.joined(separator: "\n"))")
                counts.append(sql.count)
            }
            let page = try await client.send(.get, "/v1/timelines/home?limit=15", as: ada).body.json.items
            #expect(page.contains { $0["liked"] as? Bool == true && $0.int("likes_count") == 1 && $0.int("replies_count") == 1 })
            #expect(page.contains { $0["type"] as? String == "boost" })
            #expect(counts[0] == counts[1], "statements for a home page of 1 and of 15: \(counts)")
            #expect(counts[1] <= 7, "\(counts[1]) statements for a home page")

            // every other list, with 20 items whose related rows all differ: ListQueryCountTests
            for username in ["bob", "ada"] {
                let (response, sql) = try await statements(database, client, "/v1/users/\(username)", as: cyd)
                #expect(response.status == .ok)
                #expect(!sql.contains { Self.countsRows($0) })
                #expect(sql.count <= 4, "profile: \(sql.count) statements")
            }
        }
    }

    /// Issue 15: a work's and an author's stats are one primary-key read each, never a count, and
    /// a similar-works list of ten costs what a list of one does.
    @Test(arguments: TestEngine.all)
    func statsAndSimilarListsCostTheSameWhateverTheyHold(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: Self.noSessionCache) { client, database in
            // setup: work 1 with a list of ten (each its own work and author), work 2 with a list of one
            let ada = try await client.signUp("ada")
            var works: [Int64] = []
            for index in 0..<12 {
                works.append(try await client.addEdition("Book \(index)", authors: ["Author \(index)"], as: ada).int("work_id") ?? 0)
            }
            let (full, single) = (works[0], works[1])
            let entries = works.dropFirst(2).enumerated().map { SimilarWorksQueries.Entry(workID: full, rank: $0 + 1, similarWorkID: $1, sharedReaders: 10 - Int64($0)) }
                + [SimilarWorksQueries.Entry(workID: single, rank: 1, similarWorkID: full, sharedReaders: 1)]
            try await database.write { try await SimilarWorksQueries.replace(after: 0, through: Int64.max, with: entries, now: 1, on: $0) }
            let author = try await client.send(.get, "/v1/works/\(full)").body.json["authors"] as? [[String: Any]]
            let authorID = author?.first?.int("id") ?? 0

            // call
            var lists: [Int] = []
            for (work, length) in [(single, 1), (full, 10)] {
                let (response, sql) = try await statements(database, client, "/v1/works/\(work)/similar", as: ada)
                #expect(response.body.json.items.count == length)
                #expect(!sql.contains { Self.countsRows($0) })
                lists.append(sql.count)
            }
            let (_, workBefore) = try await statements(database, client, "/v1/works/\(full)", as: ada)
            let (_, authorBefore) = try await statements(database, client, "/v1/authors/\(authorID)", as: ada)
            try await database.write { db in
                let now = Timestamp.microsecondsNow()
                try await CatalogStatsQueries.save(try await CatalogStatsQueries.workStats([full], after: full - 1, now: now, on: db), on: db)
                try await CatalogStatsQueries.save(try await CatalogStatsQueries.authorStats([authorID], after: authorID - 1, now: now, on: db), on: db)
            }
            let (work, workAfter) = try await statements(database, client, "/v1/works/\(full)", as: ada)
            let (authorResponse, authorAfter) = try await statements(database, client, "/v1/authors/\(authorID)", as: ada)

            // check
            #expect(lists[0] == lists[1], "statements for a similar list of 1 and of 10: \(lists)")
            #expect(lists[1] <= 4, "\(lists[1]) statements for a similar list")
            #expect(work.body.json["stats"] != nil && authorResponse.body.json["stats"] != nil)
            #expect(workBefore.count == workAfter.count && authorBefore.count == authorAfter.count)
            #expect(workAfter.filter { $0.contains("FROM work_stats WHERE work_id = ") }.count == 1, "\(workAfter.joined(separator: "\n"))")
            #expect(authorAfter.filter { $0.contains("FROM author_stats WHERE author_id = ") }.count == 1)
            #expect(!(workAfter + authorAfter).contains { $0.uppercased().contains("COUNT(") })
        }
    }
}
