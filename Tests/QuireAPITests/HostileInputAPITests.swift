import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Numbers, ids and text a client may send that once trapped the process or were stored cut:
/// each is a 400 naming its field (or a 404 for an id), nothing is written, and the server
/// answers the next request. A trap here would stop the whole test process, not just fail.
@Suite struct HostileInputAPITests {
    @Test(arguments: TestEngine.all)
    func ratingsPastAnyIntegerAreA400(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let editionID = try await client.addEdition("The Dispossessed", as: ada).int("id") ?? 0
            let review = try await client.post(["type": "review", "edition_id": editionID, "rating": 4], as: ada)

            for rating in ["1e300", "-1e300", "1e19", "9223372036854775808", "2.25", "0", "5.5"] {
                // call
                let posted = try await client.raw(.post, "/v1/statuses", as: ada,
                                                  #"{"type":"review","edition_id":\#(editionID),"rating":\#(rating)}"#)
                let patched = try await client.raw(.patch, "/v1/statuses/\(review.int("id") ?? 0)", as: ada, #"{"rating":\#(rating)}"#)

                // check
                #expect(posted.status == .badRequest, "rating \(rating)")
                #expect(posted.body.json.error["field"] as? String == "rating", "rating \(rating)")
                #expect(patched.status == .badRequest, "rating \(rating)")
                #expect(patched.body.json.error["field"] as? String == "rating", "rating \(rating)")
            }
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.profile("ada").int("statuses_count") == 1)
            #expect(try await client.send(.get, "/v1/statuses/\(review.int("id") ?? 0)").body.json["rating"] as? Double == 4)
        }
    }

    /// A Character (grapheme cluster) holds any number of scalars, so text limits count scalars
    /// (`TextRules.length`): 100 letters with 50 combining accents each are 5,100 of them. Counted
    /// as 100, such a display name went up to the body limit (800 KB) and rode on every status.
    @Test(arguments: TestEngine.all)
    func textLimitsCountScalarsNotCharacters(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            func accented(_ letters: Int, marks: Int) -> String {
                String(repeating: "a" + String(repeating: "\u{301}", count: marks), count: letters)
            }
            let heavy = accented(100, marks: 50)
            #expect(heavy.count == 100 && heavy.unicodeScalars.count == 5_100)
            func shelves() async throws -> Int { try await client.send(.get, "/v1/users/ada/shelves?limit=100", as: ada).body.json.items.count }
            let shelvesBefore = try await shelves()

            // call
            let answers: [(field: String, response: TestResponse)] = [
                ("display_name", try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": heavy])),
                ("bio", try await client.send(.patch, "/v1/me", as: ada, json: ["bio": heavy])),
                ("body", try await client.send(.post, "/v1/statuses", as: ada, json: ["type": "note", "body": accented(2_000, marks: 5)])),
                ("name", try await client.send(.post, "/v1/shelves", as: ada, json: ["name": heavy])),
                ("title", try await client.send(.post, "/v1/editions", as: ada, json: ["title": heavy, "authors": ["Ursula K. Le Guin"]])),
                ("authors", try await client.send(.post, "/v1/editions", as: ada, json: ["title": "The Lathe of Heaven", "authors": [heavy]])),
                ("q", try await client.send(.get, "/v1/search?q=" + (accented(100, marks: 2).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""))),
            ]
            // At the limit in scalars: accepted.
            let plain = try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": String(repeating: "\u{E9}", count: 100)])

            // check
            for (field, response) in answers {
                #expect(response.status == .badRequest, "\(field): \(response.status)")
                #expect(response.body.json.error["field"] as? String == field, "\(field): \(String(buffer: response.body).prefix(200))")
            }
            #expect(plain.status == .ok)
            let profile = try await client.profile("ada")
            #expect(profile["display_name"] as? String == String(repeating: "\u{E9}", count: 100))
            #expect(profile["bio"] == nil || profile["bio"] is NSNull)
            #expect(profile.int("statuses_count") == 0)
            #expect(try await shelves() == shelvesBefore)
        }
    }

    @Test(arguments: TestEngine.all)
    func idsAndLimitsArePlainDigits(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let note = try await client.note("hello", as: ada)
            let id = note.int("id") ?? 0
            #expect(try await client.send(.get, "/v1/statuses/\(id)").status == .ok)

            // call and check: a sign, an exponent or a number past Int64 names no status
            for text in ["+\(id)", "\(id)e0", "0x\(id)", "99999999999999999999", "-\(id)", "0", " \(id)"] {
                let path = "/v1/statuses/" + (text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? text)
                #expect(try await client.send(.get, path).status == .notFound, "id \(text)")
            }
            for limit in ["+5", "1e300", "-1", "0", "101", "5.0", "99999999999999999999999"] {
                let response = try await client.send(.get, "/v1/users/ada/statuses?limit=\(limit)")
                #expect(response.status == .badRequest, "limit \(limit)")
                #expect(response.body.json.error["field"] as? String == "limit", "limit \(limit)")
            }
            #expect(try await client.send(.get, "/v1/users/ada/statuses?limit=5").status == .ok)
        }
    }

    /// Each query parameter is one value: given twice, which one a list used was the server's
    /// guess (the first), so it is a 400 naming the parameter. An empty `limit` or `cursor` is
    /// the default, as the API's document says.
    @Test(arguments: TestEngine.all)
    func aQueryParameterGivenTwiceIsA400NamingIt(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            _ = try await client.note("hello", as: ada)

            // call
            let twice = [
                ("limit", "/v1/users/ada/statuses?limit=5&limit=50"),
                ("limit", "/v1/users/ada/statuses?limit=&limit=abc"),
                ("cursor", "/v1/users/ada/statuses?cursor=&cursor=abc"),
                ("fields", "/v1/users/ada/statuses?fields=id&fields=body"),
                ("q", "/v1/search?q=dispossessed&q=lathe"),
                ("state", "/v1/jobs?state=queued&state=running"),
            ]
            var answers: [(field: String, response: TestResponse)] = []
            for (field, path) in twice { answers.append((field, try await client.send(.get, path, as: ada))) }
            let empty = try await client.send(.get, "/v1/users/ada/statuses?limit=&cursor=", as: ada)

            // check
            for (field, response) in answers {
                #expect(response.status == .badRequest, "\(field): \(response.status)")
                #expect(response.body.json.error["field"] as? String == field, "\(field): \(String(buffer: response.body))")
            }
            #expect(empty.status == .ok)
            #expect(empty.body.json.items.count == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func numbersThatDoNotFitTheirFieldAreA400NamingIt(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let editionID = try await client.addEdition("The Dispossessed", as: ada).int("id") ?? 0

            // call
            let edition = try await client.raw(.post, "/v1/statuses", as: ada, #"{"type":"comment","body":"x","edition_id":1e19}"#)
            let progress = try await client.raw(.post, "/v1/statuses", as: ada,
                                                #"{"type":"comment","body":"x","edition_id":\#(editionID),"progress":1e300}"#)
            let pages = try await client.raw(.patch, "/v1/editions/\(editionID)", as: ada, #"{"pages":9223372036854775808}"#)
            let wrongType = try await client.raw(.post, "/v1/statuses", as: ada, #"{"type":"note","body":["x"]}"#)

            // check
            #expect(edition.status == .badRequest)
            #expect(edition.body.json.error["field"] as? String == "edition_id", "\(String(buffer: edition.body))")
            #expect(progress.status == .badRequest)
            #expect(progress.body.json.error["field"] as? String == "progress")
            #expect(pages.status == .badRequest)
            #expect(pages.body.json.error["field"] as? String == "pages")
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.body.json.error["field"] as? String == "body")
            #expect(try await client.profile("ada").int("statuses_count") == 0)
        }
    }

    @Test(arguments: TestEngine.all)
    func explicitNullIsRefusedNotReadAsLeftOut(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            _ = try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": "Ada"])

            // call
            let me = try await client.raw(.patch, "/v1/me", as: ada, #"{"display_name":null}"#)
            let status = try await client.raw(.post, "/v1/statuses", as: ada, #"{"type":"note","body":"x","privacy":null}"#)

            // check
            #expect(me.status == .badRequest)
            #expect(me.body.json.error["field"] as? String == "display_name")
            #expect(status.status == .badRequest)
            #expect(status.body.json.error["field"] as? String == "privacy")
            #expect(try await client.send(.get, "/v1/me", as: ada).body.json["display_name"] as? String == "Ada")
        }
    }

    @Test(arguments: TestEngine.all)
    func textIsStoredAsItIsReadBackOrRefused(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")

            // call
            let nul = try await client.send(.post, "/v1/statuses", as: ada, json: ["type": "note", "body": "a\u{0}b"])
            let email = try await client.send(.post, "/v1/accounts", json: ["username": "bob", "email": "a\u{0}@example.org", "password": "password123"])
            let bell = try await client.send(.post, "/v1/accounts", json: ["username": "bob", "email": "a\u{7}@example.org", "password": "password123"])
            let name = try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": "Ada\nLovelace"])
            let shelf = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Sci\u{1b}[31mFi"])
            let lines = try await client.note("first line\n\tsecond line", as: ada)

            // check
            #expect(nul.status == .badRequest)
            #expect(nul.body.json.error["field"] as? String == "body")
            #expect(email.status == .badRequest)
            #expect(email.body.json.error["field"] as? String == "email")
            #expect(bell.status == .badRequest)
            #expect(bell.body.json.error["field"] as? String == "email")
            #expect(name.status == .badRequest)
            #expect(name.body.json.error["field"] as? String == "display_name")
            #expect(shelf.status == .badRequest)
            #expect(shelf.body.json.error["field"] as? String == "name")
            #expect(try await client.send(.get, "/v1/users/bob").status == .notFound)
            let stored = try await client.send(.get, "/v1/statuses/\(lines.int("id") ?? 0)").body.json
            #expect(stored["body"] as? String == "first line\n\tsecond line")
            #expect(try await client.profile("ada").int("statuses_count") == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func anAccountWithoutADisplayNameHasNoneInStatuses(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let note = try await client.note("hello", as: ada)
            let account = note["account"] as? [String: Any] ?? [:]
            // The OpenAPI document says absent when not set, as /v1/me has it.
            #expect(Set(account.keys) == ["id", "username"])
        }
    }
}

extension TestClientProtocol {
    /// Sends `body` as it is, for JSON that JSONSerialization would not write (1e300, bare nulls).
    func raw(_ method: HTTPRequest.Method, _ uri: String, as user: APIUser, _ body: String) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: user.auth, body: ByteBuffer(string: body))
    }
}
