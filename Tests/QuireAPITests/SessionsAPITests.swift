import Foundation
import Hummingbird
import HummingbirdTesting
@testable import QuireAPI
import QuireApp
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

    /// An attacker's wrong guesses slow down the address they come from, not the account: the
    /// owner, signing in from elsewhere, gets in, while the attacker's address waits (429 with
    /// Retry-After) even with the right password. What the attacker writes into X-Forwarded-For
    /// does not matter: the trusted proxy's right-most entry does.
    @Test(arguments: TestEngine.all)
    func failedLoginsSlowTheirAddressButNotTheOwnerElsewhere(engine: TestEngine) async throws {
        try await withTestApp(engine, setup: .live, configure: behindALocalProxy) { client, _ in
            // setup
            _ = try await client.signUp("ada")
            let attacker = "203.0.113.9"

            // call
            var guesses: [HTTPResponse.Status] = []
            for index in 1...6 {
                guesses.append(try await client.logIn("ada", "guess guess", from: "10.9.9.\(index), \(attacker)").status)
            }
            let attackerWithTheRightPassword = try await client.logIn("ada", "password123", from: attacker)
            let owner = try await client.logIn("ada", "password123", from: "198.51.100.7")

            // check
            #expect(guesses == Array(repeating: .unauthorized, count: 5) + [.tooManyRequests])
            #expect(attackerWithTheRightPassword.status == .tooManyRequests)
            #expect(Int(attackerWithTheRightPassword.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(attackerWithTheRightPassword.body.json.error["code"] as? String == "too_many_attempts")
            #expect(owner.status == .created)
        }
    }

    /// Behind a reverse proxy every connection comes from the proxy: failures from many clients
    /// must not add up to a limit that locks out everyone.
    @Test(arguments: TestEngine.all)
    func failuresFromManyClientsBehindATrustedProxyDoNotLockOutTheRest(engine: TestEngine) async throws {
        try await withTestApp(engine, setup: .live, configure: behindALocalProxy) { client, _ in
            // setup
            _ = try await client.signUp("ada")

            // call
            var guesses: [HTTPResponse.Status] = []
            for index in 1...25 {
                guesses.append(try await client.logIn("nobody\(index)", "guess guess", from: "203.0.113.\(index)").status)
            }
            let owner = try await client.logIn("ada", "password123", from: "198.51.100.7")

            // check
            #expect(guesses == Array(repeating: .unauthorized, count: 25))
            #expect(owner.status == .created)
        }
    }

    /// Without QUIRE_TRUSTED_PROXIES anyone could write X-Forwarded-For, so it is ignored and the
    /// limit holds for the connection's own address.
    @Test(arguments: TestEngine.all)
    func anXForwardedForFromAnUntrustedPeerIsIgnored(engine: TestEngine) async throws {
        try await withTestApp(engine, setup: .live) { client, _ in
            // call
            var guesses: [HTTPResponse.Status] = []
            for index in 1...21 {
                guesses.append(try await client.logIn("nobody\(index)", "guess guess", from: "203.0.113.\(index)").status)
            }

            // check
            #expect(guesses == Array(repeating: .unauthorized, count: 20) + [.tooManyRequests])
        }
    }

    /// The limit is taken before the slow password check, so guesses sent all at once count too.
    @Test(arguments: TestEngine.all)
    func wrongGuessesSentAllAtOnceAreLimitedToo(engine: TestEngine) async throws {
        // A cost that makes each check take a while, so that the guesses overlap.
        try await withTestApp(engine, configure: { $0.bcryptCost = 8 }) { client, _ in
            // setup
            _ = try await client.signUp("ada")

            // call
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<40 { group.addTask { try await client.logIn("ada", "guess guess").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }

            // check
            #expect(statuses.count(where: { $0 == .unauthorized }) <= 5, "\(statuses)")
            #expect(statuses.count(where: { $0 == .tooManyRequests }) >= 35, "\(statuses)")
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

/// The local test server's connections all come from localhost: it stands for a reverse proxy.
@Sendable func behindALocalProxy(_ configuration: inout QuireConfiguration) {
    configuration.trustedProxies = try! TrustedProxies(parsing: "127.0.0.1, ::1")
}

extension TestClientProtocol {
    /// `POST /v1/sessions`, with `X-Forwarded-For: address` when one is given.
    func logIn(_ username: String, _ password: String, from address: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let address { headers[.init("X-Forwarded-For")!] = address }
        let body = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
        return try await execute(uri: "/v1/sessions", method: .post, headers: headers, body: ByteBuffer(data: body))
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
