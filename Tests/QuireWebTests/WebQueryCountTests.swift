import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireStore
import TestSupport
import Testing

/// A page runs the statements of its API twin plus the session lookup, no more: the same reads,
/// so also no N+1 and no COUNT.
@Suite struct WebQueryCountTests {
    /// Sessions read on every request (no SessionCache), so every count includes the lookup.
    static let noSessionCache: @Sendable (inout QuireConfiguration) -> Void = { $0.sessionCacheTTL = .zero }

    /// Turns the process's caches off once they have started: on PostgreSQL the cache listener
    /// turns them on when it first listens, and under a full suite's load that came after a
    /// `disable()` made at the start, so a later page was served from memory (8 statements
    /// against its twin's 10, seen once).
    static func cachesOff(_ database: Database) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !database.caches.isServing {
            guard ContinuousClock.now < deadline else { throw TestSetupError("the caches never started serving") }
            try await Task.sleep(for: .milliseconds(20))
        }
        database.caches.disable()
    }

    @Test(arguments: TestEngine.all)
    func pagesCostWhatTheirAPITwinsCost(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: Self.noSessionCache) { client, database in
            // Caches off: a page and its twins would otherwise warm each other's entries.
            try await Self.cachesOff(database)
            // setup: ada follows bob; bob reviews 15 books, ada likes one and replies to it
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            try await client.follow("bob", as: ada)
            var reviews: [Int64] = []
            for index in 0..<15 {
                let edition = try await client.addEdition("Book \(index)", authors: ["Author \(index)"], as: bob)
                reviews.append(try await client.post(["type": "review", "edition_id": edition.int("id") ?? 0, "body": "review \(index)", "rating": 4],
                                                     as: bob).int("id") ?? 0)
            }
            _ = try await client.send(.post, "/v1/statuses/\(reviews[3])/like", as: ada)
            _ = try await client.note("@bob agreed", as: ada, replyTo: reviews[3])
            var browser = WebBrowser(client)
            try await browser.signIn("ada")

            func api(_ uri: String) async throws -> [String] {
                let (response, recorder) = try await StatementRecorder.recording { try await client.send(.get, uri, as: ada) }
                #expect(response.status == .ok, "\(uri)")
                return recorder.statements
            }
            func page(_ uri: String) async throws -> [String] {
                let (response, recorder) = try await StatementRecorder.recording { try await browser.get(uri) }
                #expect(response.status == .ok, "\(uri)")
                return recorder.statements
            }

            // call
            let session = try await api("/v1/me")
            let home = try await page("/")
            let homeTwin = try await api("/v1/timelines/home?limit=20")
            let profile = try await page("/user/bob")
            let profileTwins = try await api("/v1/users/bob") + api("/v1/users/bob/statuses?limit=20") + api("/v1/users/bob/shelves?limit=100")
            let status = try await page("/status/\(reviews[3])")
            let statusTwins = try await api("/v1/statuses/\(reviews[3])") + api("/v1/statuses/\(reviews[3])/thread?limit=50")

            // check: one session lookup per request, so twins fetched in n requests have n - 1 more
            #expect(session.count == 1)
            #expect(home == homeTwin)
            #expect(profile.count == profileTwins.count - 2 * session.count)
            #expect(status.count == statusTwins.count - session.count)
            for statements in [home, profile, status] {
                #expect(!statements.contains { $0.uppercased().contains("COUNT(") })
            }
        }
    }

    /// A page costs the same statements for one review or status as for twenty (no N+1).
    @Test(arguments: TestEngine.all)
    func bookAndProfilePagesCostTheSameForOneItemOrTwenty(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: Self.noSessionCache) { client, database in
            // Caches off: a page and its twins would otherwise warm each other's entries.
            try await Self.cachesOff(database)
            // setup: one book with one review by bob, another with twenty reviews by twenty readers;
            // busy has twenty comments on the two books, bob one review; a third reader looks at both
            let bob = try await client.signUp("bob")
            let busy = try await client.signUp("busy")
            _ = try await client.signUp("viewer")
            let quiet = try await client.addEdition("Quiet Book", authors: ["A. Author"], as: bob).int("id") ?? 0
            let loud = try await client.addEdition("Loud Book", authors: ["B. Author", "C. Author"], as: bob).int("id") ?? 0
            _ = try await client.post(["type": "review", "edition_id": quiet, "body": "fine", "rating": 3], as: bob)
            for index in 0..<20 {
                let reader = try await client.signUp("reader\(index)")
                _ = try await client.post(["type": "review", "edition_id": loud, "body": "review \(index)", "rating": 4], as: reader)
                _ = try await client.post(["type": "comment", "edition_id": index % 2 == 0 ? loud : quiet, "body": "comment \(index)"], as: busy)
            }
            var browser = WebBrowser(client)
            try await browser.signIn("viewer")

            func statements(_ uri: String) async throws -> Int {
                let (response, recorder) = try await StatementRecorder.recording { try await browser.get(uri) }
                #expect(response.status == .ok, "\(uri)")
                return recorder.count
            }

            // call
            let quietBook = try await statements("/book/\(quiet)")
            let loudBook = try await statements("/book/\(loud)")
            let oneStatus = try await statements("/user/bob")
            let manyStatuses = try await statements("/user/busy")

            // check
            #expect(quietBook == loudBook, "book page: \(quietBook) statements with 1 review, \(loudBook) with 20")
            #expect(oneStatus == manyStatuses, "profile page: \(oneStatus) statements with 1 status, \(manyStatuses) with 20")
        }
    }
}
