import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Lesson 5 for every list: a page of 20 items costs the statements a page of 1 does, where each
/// of the 20 has related rows of its own (its user, book, authors, boosted original, counts, the
/// viewer's flags), so a loader that ran a statement per item would show; and no COUNT on a read
/// path. (QueryCountTests covers shelves, shelf books and search with 100 items.)
@Suite struct ListQueryCountTests {
    /// One more than the page of 20, so every page is full.
    static let readers = 21

    struct Fixture {
        let ada: APIUser, bob: APIUser, cat: APIUser
        let work: Int64, edition: Int64, sharedAuthor: Int64, root: Int64
    }

    /// A list endpoint, who reads it, where its page sits in the body (nil: at the top), and how
    /// many different accounts its 20 items show at least (0: its items have no related rows).
    struct ListCase: CustomStringConvertible {
        let path: String
        let viewer: APIUser
        var pageKey: String? = nil
        var distinctAccounts = 0
        var description: String { path }
    }

    /// ada follows bob and 21 readers; cat approves followers by hand. Each reader reviews an
    /// edition of its own of one work, replies to bob's note about a book of its own (its own
    /// author and a shared one), asks to follow cat, and is boosted by bob; ada likes every other
    /// reply, records 21 read-throughs of one edition and owns 21 jobs.
    static func fixture(_ client: any TestClientProtocol, _ database: Database) async throws -> Fixture {
        let ada = try await client.signUp("ada")
        let bob = try await client.signUp("bob")
        let cat = try await client.signUp("cat")
        try must(try await client.send(.patch, "/v1/me", as: cat, json: ["manually_approves_followers": true]), .ok)
        try await client.follow("bob", as: ada)
        let first = try await client.addEdition("Shared Work", authors: ["Work Author"], as: ada)
        let (work, edition) = (first.int("work_id") ?? 0, first.int("id") ?? 0)
        let root = try await client.note("what are you reading?", as: bob).int("id") ?? 0
        var sharedAuthor: Int64 = 0
        for index in 0..<readers {
            let reader = try await client.signUp("reader\(index)")
            try await client.follow(reader.username, as: ada)
            try must(try await client.send(.post, "/v1/users/cat/follow", as: reader), .ok)
            let ownEdition = try await client.send(.post, "/v1/editions", as: reader, json: ["title": "Shared Work \(index)", "work_id": work])
            try must(ownEdition, .created)
            let review = try await client.post(["type": "review", "edition_id": ownEdition.body.json.int("id") ?? 0, "body": "review \(index)",
                                                "rating": 1 + index % 5], as: reader)
            let book = try await client.addEdition("Book \(index)", authors: ["Author \(index)", "Shared Author"], as: reader)
            sharedAuthor = (book["authors"] as? [[String: Any]])?.last?.int("id") ?? 0
            let reply = try await client.post(["type": "comment", "edition_id": book.int("id") ?? 0, "body": "reply \(index)", "in_reply_to_id": root],
                                              as: reader)
            try must(try await client.send(.post, "/v1/statuses/\(review.int("id") ?? 0)/boost", as: bob), .ok)
            if index.isMultiple(of: 2) { try must(try await client.send(.post, "/v1/statuses/\(reply.int("id") ?? 0)/like", as: ada), .ok) }
            try must(try await client.send(.post, "/v1/editions/\(edition)/readthroughs", as: ada, json: ["progress": index]), .created)
        }
        try await database.write { db in
            for _ in 0..<readers {
                var job = NewJob.noop()
                job.ownerID = ada.id
                _ = try await JobQueries.enqueue(job, now: Timestamp.microsecondsNow(), on: db)
            }
        }
        return Fixture(ada: ada, bob: bob, cat: cat, work: work, edition: edition, sharedAuthor: sharedAuthor, root: root)
    }

    static func must(_ response: TestResponse, _ status: HTTPResponse.Status) throws {
        guard response.status == status else { throw TestSetupError("setup request: \(response.status) \(String(buffer: response.body))") }
    }

    /// The account each item shows: a boost's original's, a status's, a notification's or a request's.
    static func accountID(_ item: [String: Any]) -> Int64? {
        let shown = item["boost_of"] as? [String: Any] ?? item
        return (shown["account"] as? [String: Any])?.int("id")
    }

    @Test(arguments: TestEngine.all)
    func everyListCostsTheSameStatementsForOneOrTwentyItems(engine: TestEngine) async throws {
        // No worker, so the jobs stay as they were made; sessions read on every request (QueryCountTests).
        try await withTestApp(engine, configure: { QueryCountTests.noSessionCache(&$0); $0.worker.concurrency = 0 }) { client, database in
            // setup
            let f = try await Self.fixture(client, database)
            let lists = [
                ListCase(path: "/v1/works/\(f.work)/reviews", viewer: f.ada, distinctAccounts: 20),
                ListCase(path: "/v1/statuses/\(f.root)/thread", viewer: f.ada, distinctAccounts: 19),
                ListCase(path: "/v1/timelines/home", viewer: f.ada, distinctAccounts: 6),
                ListCase(path: "/v1/users/bob/statuses", viewer: f.ada, distinctAccounts: 19),
                ListCase(path: "/v1/notifications", viewer: f.bob, distinctAccounts: 19),
                ListCase(path: "/v1/follow_requests", viewer: f.cat, distinctAccounts: 20),
                ListCase(path: "/v1/editions/\(f.edition)/readthroughs", viewer: f.ada),
                ListCase(path: "/v1/jobs", viewer: f.ada),
                ListCase(path: "/v1/works/\(f.work)", viewer: f.ada, pageKey: "editions"),
                ListCase(path: "/v1/authors/\(f.sharedAuthor)", viewer: f.ada, pageKey: "works"),
            ]

            for list in lists {
                var counts: [Int] = []
                for limit in [1, 20] {
                    // call
                    database.caches.empty()
                    let (response, recorder) = try await StatementRecorder.recording {
                        try await client.send(.get, list.path + "?limit=\(limit)", as: list.viewer)
                    }
                    let sql = recorder.statements

                    // check
                    #expect(response.status == .ok, "\(list)")
                    let body = response.body.json
                    let items = list.pageKey.map { (body[$0] as? [String: Any] ?? [:]).items } ?? body.items
                    #expect(items.count == limit, "\(list) limit \(limit)")
                    #expect(!sql.contains { $0.uppercased().contains("COUNT(") }, "\(list) counts rows on a read path")
                    if limit == 20 {
                        let accounts = Set(items.compactMap(Self.accountID))
                        #expect(accounts.count >= list.distinctAccounts, "\(list): a page of 20 shows only \(accounts.count) accounts")
                    }
                    counts.append(sql.count)
                }
                #expect(counts[0] == counts[1], "\(list): statements for a page of 1 and of 20 were \(counts)")
            }
        }
    }
}
