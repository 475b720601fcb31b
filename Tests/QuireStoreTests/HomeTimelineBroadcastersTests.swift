import QuireCore
import QuireStore
import SQLKit
import TestSupport
import Testing

/// A home timeline merges the broadcasters a reader follows when read. The statement once grew a
/// part per broadcaster, and SQLite refuses a compound SELECT of over 500 parts: a reader
/// following 520 broadcasters could not read their home at all.
@Suite struct HomeTimelineBroadcastersTests {
    /// 520 broadcasters: past SQLite's 500 parts to a compound statement, and past the 64 that
    /// PostgreSQL's statement lists (it then joins the reader's follows); 40: listed.
    @Test(arguments: TestEngine.all, [40, 520])
    func aReaderFollowingManyBroadcastersPagesThroughEveryStatus(engine: TestEngine, authors: Int) async throws {
        try await withTestDatabase(engine) { database in
            // setup: every account followed is a broadcaster (fan-out limit 0) and posts once, one
            // in eleven directly to nobody (which must not show); the reader posts between them
            let (reader, expected) = try await database.write { db -> (Int64, [Int64]) in
                guard let reader = try await UserQueries.create(NewUser(username: "reader", email: nil, passwordHash: nil), on: db) else {
                    throw TestSetupError("no reader")
                }
                var shown: [Int64] = []
                for index in 0..<authors {
                    guard let author = try await UserQueries.create(NewUser(username: "author\(index)", email: nil, passwordHash: nil), on: db) else { continue }
                    try await FollowQueries.follow(reader.id, author, fanoutLimit: 0, on: db)
                }
                for round in 0..<2 {
                    for index in round..<authors where index % 2 == round {
                        let privacy: StatusPrivacy = index % 11 == 0 ? .direct : .public
                        let author = Int64(index) + reader.id + 1
                        let status = try await StatusQueries.create(NewStatus(userID: author, kind: .note, edition: nil, body: "post", privacy: privacy), on: db)
                        if privacy != .direct { shown.append(status.id) }
                    }
                    let own = try await StatusQueries.create(NewStatus(userID: reader.id, kind: .note, edition: nil, body: "mine", privacy: .public), on: db)
                    shown.append(own.id)
                }
                return (reader.id, shown.sorted(by: >))
            }

            // call: every page of 10
            var seen: [Int64] = []
            var before: Int64?
            for _ in 0..<100 {
                let cursor = before
                let page = try await database.read { try await HomeTimelineQueries.page(reader: reader, before: cursor, limit: 10, on: $0).statuses }
                seen += page.map(\.id)
                guard page.count == 10, let last = page.last?.id else { break }
                before = last
            }

            // check
            #expect(seen.count == expected.count)
            #expect(seen == expected)
        }
    }
}
