import Foundation
import Hummingbird
import HummingbirdTesting
@testable import QuireAPI
import QuireStore
import TestSupport
import Testing

@Suite struct SessionsAPITests {
    @Test(arguments: TestEngine.all)
    func aTokenFromLoggingInOpensTheAccountUntilLogout(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let me = try await client.send(.get, "/v1/me", as: ada)
            #expect(me.status == .ok)
            #expect(me.body.json["username"] as? String == "ada")

            let logout = try await client.send(.delete, "/v1/sessions/current", as: ada)
            let after = try await client.send(.get, "/v1/me", as: ada)
            #expect(logout.status == .noContent)
            #expect(after.status == .unauthorized)
            #expect(after.body.json.error["code"] as? String == "invalid_token")
        }
    }

    @Test(arguments: TestEngine.all)
    func wrongPasswordAndUnknownUserAreTheSame401(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            _ = try await client.signUp("ada")
            let wrong = try await client.send(.post, "/v1/sessions", json: ["username": "ada", "password": "wrong password"])
            let unknown = try await client.send(.post, "/v1/sessions", json: ["username": "nobody", "password": "wrong password"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.body.json.error["message"] as? String == unknown.body.json.error["message"] as? String)
        }
    }

    @Test(arguments: TestEngine.all)
    func repeatedFailedLoginsAreRateLimited(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            _ = try await client.signUp("ada")
            for _ in 0..<5 {
                let attempt = try await client.send(.post, "/v1/sessions", json: ["username": "ada", "password": "guess guess"])
                #expect(attempt.status == .unauthorized)
            }
            // Even the right password is refused while the limit holds.
            let limited = try await client.send(.post, "/v1/sessions", json: ["username": "ada", "password": "password123"])
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    /// An unknown username is checked against a decoy hash of the configured cost, so it takes as
    /// long as a wrong password and the timing doesn't tell which accounts exist. (The fastest of
    /// a few tries each, as the least disturbed by tests running beside this one; a decoy of a
    /// lower cost than the real hash, as before, is 10 or more times faster at this cost.)
    @Test(arguments: TestEngine.all)
    func anUnknownUsernameTakesAsLongAsAWrongPassword(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.bcryptCost = 10 }) { client, _ in
            // setup
            _ = try await client.signUp("ada")
            let clock = ContinuousClock()

            // call
            var known: [Duration] = [], unknown: [Duration] = []
            for index in 0..<4 {
                known.append(try await clock.measure { _ = try await client.logIn("ada", "guess guess") })
                unknown.append(try await clock.measure { _ = try await client.logIn("nobody\(index)", "guess guess") })
            }

            // check
            let (knownFastest, unknownFastest) = (known.min() ?? .zero, unknown.min() ?? .zero)
            #expect(unknownFastest * 4 > knownFastest, "unknown \(unknown), known \(known)")
        }
    }

    @Test(arguments: TestEngine.all)
    func expiredAndMadeUpTokensAre401(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            let ada = try await client.signUp("ada")
            try await database.write {
                try await SessionQueries.create(userID: ada.id, tokenHash: SessionToken.hash("expired-token"), expiresAt: Timestamp.microsecondsNow() - 1, on: $0)
            }
            for header in ["Bearer expired-token", "Bearer made-up", "Basic abc"] {
                let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: header])
                #expect(response.status == .unauthorized, "\(header)")
            }
            let anonymous = try await client.execute(uri: "/v1/me", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.all)
    func meCanBeEditedWithinLimits(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let edited = try await client.send(.patch, "/v1/me", as: ada, json: [
                "display_name": "Ada L.", "bio": "Reads everything", "default_privacy": "followers", "manually_approves_followers": true,
            ])
            #expect(edited.status == .ok)
            #expect(edited.body.json["display_name"] as? String == "Ada L.")
            #expect(edited.body.json["default_privacy"] as? String == "followers")
            #expect(edited.body.json["manually_approves_followers"] as? Bool == true)

            let badPrivacy = try await client.send(.patch, "/v1/me", as: ada, json: ["default_privacy": "everyone"])
            let longName = try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": String(repeating: "a", count: 101)])
            #expect(badPrivacy.status == .badRequest)
            #expect(badPrivacy.body.json.error["field"] as? String == "default_privacy")
            #expect(longName.body.json.error["field"] as? String == "display_name")
            let me = try await client.send(.get, "/v1/me?fields=display_name,bio", as: ada)
            #expect(me.body.json as NSDictionary == ["display_name": "Ada L.", "bio": "Reads everything"] as NSDictionary)
        }
    }
}

extension TestClientProtocol {
    /// `POST /v1/sessions`.
    func logIn(_ username: String, _ password: String) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
        return try await execute(uri: "/v1/sessions", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(data: body))
    }
}

@Suite struct SeededAccountsAPITests {
    /// Benchmarks sign in as seeded users with the password the seed documents.
    @Test(arguments: TestEngine.all)
    func seededUsersSignInWithTheDocumentedPassword(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup
            var plan = SeedPlan()
            (plan.users, plan.statuses, plan.followsPerUser) = (3, 10, 1)
            _ = try await Seeder(database: database, plan: plan).run()

            // call
            let reader = try await client.send(.post, "/v1/sessions", json: ["username": "reader1", "password": "password123"])
            let special = try await client.send(.post, "/v1/sessions", json: ["username": "celebfan", "password": "password123"])

            // check
            #expect(reader.status == .created)
            #expect(special.status == .created)
        }
    }
}
