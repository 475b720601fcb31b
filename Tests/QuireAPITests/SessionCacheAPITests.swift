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
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, database in
            // setup: the first request reads the session
            let ada = try await client.signUp("ada")
            let before = try await MetricsScrape.scrape(client).value("quire_cache_hits_total", ["cache": "sessions"]) ?? 0
            _ = try await client.send(.get, "/v1/me", as: ada)

            // call (again if the listener's echo was late meanwhile)
            let (me, recorder) = try await EntityCacheAPITests.recordingServed(database) { try await client.send(.get, "/v1/me", as: ada) }

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

    /// On PostgreSQL every sign-out and account change is heard, so a session is kept past the
    /// TTL (which bounds, on SQLite, how long another process's sign-out goes unseen).
    @Test(arguments: TestEngine.all)
    func aSessionOutlivesTheTTLOnlyWhereEveryProcessIsHeard(engine: TestEngine) async throws {
        let ttl = Duration.milliseconds(300)
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = ttl }) { client, database in
            // setup: ada's session read, then the TTL lived out (on PostgreSQL once the caches
            // serve: the listener's first LISTEN empties them, the session cache with them)
            let ada = try await client.signUp("ada")
            try await EntityCacheAPITests.waitUntilServing(database)
            _ = try await client.send(.get, "/v1/me", as: ada)
            try await Task.sleep(for: ttl + .milliseconds(200))

            // call (again if the listener's echo was late meanwhile)
            let (me, recorder) = try await EntityCacheAPITests.recordingServed(database) { try await client.send(.get, "/v1/me", as: ada) }

            // check: read again on SQLite, still cached on PostgreSQL
            #expect(me.status == .ok)
            #expect(recorder.statements.count == (engine == .postgres ? 0 : 1), "\(recorder.statements)")
        }
    }

    /// A second router on the same database shares its caches, as the web pages and the API of
    /// one process do, but keeps a session cache of its own: the sign-out's commit reaches it.
    /// (Another process hears it on PostgreSQL: `CacheProcessTests`.)
    @Test(arguments: TestEngine.all)
    func aSignOutIsSeenAtOnceByEverySessionCacheOfTheProcess(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, database in
            // setup: a second server on the same database, with its own session cache, ada's session cached there
            var configuration = QuireConfiguration()
            configuration.sessionCacheTTL = .seconds(60)
            let (router, _) = buildRouter(database: database, configuration: configuration)
            try await Application(router: router).test(.router) { other in
                let ada = try await client.signUp("ada")
                #expect(try await other.send(.get, "/v1/me", as: ada).status == .ok)
                #expect(try await other.send(.get, "/v1/me", as: ada).status == .ok)

                // call: sign out through the first server
                #expect(try await client.send(.delete, "/v1/sessions/current", as: ada).status == .noContent)

                // check: refused at once by both, well inside the caches' 60 s
                #expect(try await client.send(.get, "/v1/me", as: ada).status == .unauthorized)
                let refused = try await other.send(.get, "/v1/me", as: ada)
                #expect(refused.status == .unauthorized)
                #expect(refused.body.json.error["code"] as? String == "invalid_token")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aSessionIsNeverServedPastItsOwnExpiry(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, database in
            // setup: a session that ends soon, cached by a first request. Under the parallel CI run a
            // request has taken over 2 s, so when the first request comes back after the session
            // ended the test proves nothing yet and tries again with a longer life.
            let ada = try await client.signUp("ada")
            var checked = false
            for (index, life) in [2, 6, 20].enumerated() where !checked {
                let token = "short-lived-\(index)"
                let ends = ContinuousClock.now + .seconds(life)
                try await database.write {
                    try await SessionQueries.create(userID: ada.id, tokenHash: SessionToken.hash(token), expiresAt: Timestamp.microsecondsNow() + Int64(life) * 1_000_000, on: $0)
                }
                let headers: HTTPFields = [.authorization: "Bearer \(token)"]
                let first = try await client.execute(uri: "/v1/me", method: .get, headers: headers)
                guard ContinuousClock.now < ends else { continue }
                #expect(first.status == .ok)

                // call: just after it ended, well inside the cache's 60 s
                try await Task.sleep(until: ends + .milliseconds(200))
                let expired = try await client.execute(uri: "/v1/me", method: .get, headers: headers)

                // check
                #expect(expired.status == .unauthorized)
                checked = true
            }
            #expect(checked, "every first request came back after its session had ended")
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
