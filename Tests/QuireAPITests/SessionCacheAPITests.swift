import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
@testable import QuireAPI
import QuireStore
import TestSupport
import Testing

/// SessionCache: a signed-in request skips the session read, and what the cache may serve stale
/// is bounded (sign-out here at once, elsewhere within the TTL, never past the session's expiry).
@Suite struct SessionCacheAPITests {
    @Test(arguments: TestEngine.all)
    func aCachedSessionRunsNoStatementAndCountsAHit(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, _ in
            // setup: the first request reads the session
            let ada = try await client.signUp("ada")
            let before = try await MetricsScrape.scrape(client).value("quire_cache_hits_total", ["cache": "sessions"]) ?? 0
            _ = try await client.send(.get, "/v1/me", as: ada)

            // call
            let (me, recorder) = try await StatementRecorder.recording { try await client.send(.get, "/v1/me", as: ada) }

            // check
            #expect(me.status == .ok)
            #expect(me.body.json["username"] as? String == "ada")
            #expect(recorder.statements == [], "a cached session still read: \(recorder.statements)")
            let after = try await MetricsScrape.scrape(client)
            #expect((after.value("quire_cache_hits_total", ["cache": "sessions"]) ?? 0) > before)
            #expect(after.value("quire_cache_misses_total", ["cache": "sessions"]) != nil)
            #expect(after.lintProblems == [])
        }
    }

    @Test(arguments: TestEngine.all)
    func aSignOutThroughAnotherProcessIsSeenWithinTheTTL(engine: TestEngine) async throws {
        let ttl = Duration.milliseconds(500)
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = ttl }) { client, database in
            // setup: a second server on the same database, with its own cache, as another process would be
            var configuration = QuireConfiguration()
            configuration.sessionCacheTTL = ttl
            let (router, _) = buildRouter(database: database, configuration: configuration)
            try await Application(router: router).test(.router) { other in
                let ada = try await client.signUp("ada")
                #expect(try await other.send(.get, "/v1/me", as: ada).status == .ok)

                // call: sign out through the first server
                #expect(try await client.send(.delete, "/v1/sessions/current", as: ada).status == .noContent)

                // check: at once there, and on the other once its entry has lived out the TTL
                #expect(try await client.send(.get, "/v1/me", as: ada).status == .unauthorized)
                try await Task.sleep(for: ttl + .milliseconds(100))
                let late = try await other.send(.get, "/v1/me", as: ada)
                #expect(late.status == .unauthorized)
                #expect(late.body.json.error["code"] as? String == "invalid_token")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aSessionIsNeverServedPastItsOwnExpiry(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, database in
            // setup: a session that ends in 2 s, cached by a first request (2 s, because under
            // the parallel CI run a request has taken 0.9 s, and 300 ms once ran out before it)
            let ada = try await client.signUp("ada")
            let ends = ContinuousClock.now + .seconds(2)
            try await database.write {
                try await SessionQueries.create(userID: ada.id, tokenHash: SessionToken.hash("short-lived"), expiresAt: Timestamp.microsecondsNow() + 2_000_000, on: $0)
            }
            let headers: HTTPFields = [.authorization: "Bearer short-lived"]
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: headers).status == .ok)

            // call: just after it ended, well inside the cache's 60 s
            try await Task.sleep(until: ends + .milliseconds(200))
            let expired = try await client.execute(uri: "/v1/me", method: .get, headers: headers)

            // check
            #expect(expired.status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.all)
    func anAccountChangeIsSeenAtOnceByTheNextRequest(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, _ in
            let ada = try await client.signUp("ada")
            _ = try await client.send(.get, "/v1/me", as: ada)
            #expect(try await client.send(.patch, "/v1/me", as: ada, json: ["default_privacy": "followers"]).status == .ok)
            let me = try await client.send(.get, "/v1/me", as: ada)
            #expect(me.body.json["default_privacy"] as? String == "followers")
            // and what the account record decides follows it: a new status takes the new default
            let status = try await client.post(["type": "note", "body": "hello"], as: ada)
            #expect(status["privacy"] as? String == "followers")
        }
    }
}
