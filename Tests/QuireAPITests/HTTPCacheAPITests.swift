import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// ETags, 304s and Cache-Control: a client that has the current answer gets a 304; a changed
/// resource gets its new answer; a viewer who may not see a resource never gets a 304 for it;
/// nothing a viewer's credentials decide is stored by a shared cache.
@Suite struct HTTPCacheAPITests {
    @Test(arguments: TestEngine.all)
    func anUnchangedPublicResourceIsA304AndAChangedOneIsNot(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let ada = try await client.signUp("ada")
            let id = try #require(try await client.addEdition("The Dispossessed", as: ada).int("id"))
            let first = try await client.execute(uri: "/v1/editions/\(id)", method: .get)
            let tag = try #require(first.headers[.eTag])
            #expect(first.headers[.cacheControl] == "no-cache")
            #expect(first.headers[.vary] == "Authorization")

            // call: the same tag, then the same tag after an edit
            let again = try await client.execute(uri: "/v1/editions/\(id)", method: .get, headers: [.ifNoneMatch: tag])
            #expect(try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["title": "The Dispossessed: An Ambiguous Utopia"]).status == .ok)
            let changed = try await client.execute(uri: "/v1/editions/\(id)", method: .get, headers: [.ifNoneMatch: tag])

            // check
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == tag)
            #expect(changed.status == .ok)
            #expect(changed.body.json["title"] as? String == "The Dispossessed: An Ambiguous Utopia")
            #expect(changed.headers[.eTag] != nil && changed.headers[.eTag] != tag)
            // a list of tags, a weak form and * match too; another tag does not
            for header in ["\"x\", \(changed.headers[.eTag] ?? "")", "W/\(changed.headers[.eTag] ?? "")", "*"] {
                #expect(try await client.execute(uri: "/v1/editions/\(id)", method: .get, headers: [.ifNoneMatch: header]).status == .notModified, "\(header)")
            }
            #expect(try await client.execute(uri: "/v1/editions/\(id)", method: .get, headers: [.ifNoneMatch: "\"0000000000000000\""]).status == .ok)
        }
    }

    @Test(arguments: TestEngine.all)
    func aViewerWhoMayNotSeeAResourceNeverGetsA304(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: ada's followers-only note and private shelf, with the tags ada was given
            let ada = try await client.signUp("ada")
            let stranger = try await client.signUp("stranger")
            let note = try #require(try await client.note("for followers", privacy: "followers", as: ada).int("id"))
            let created = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Secret", "privacy": "private"])
            let shelf = try #require(created.body.json.int("id"))
            var tags: [String: String] = [:]
            for uri in ["/v1/statuses/\(note)", "/v1/shelves/\(shelf)/books"] {
                let own = try await client.send(.get, uri, as: ada)
                #expect(own.status == .ok, "\(uri)")
                #expect(own.headers[.cacheControl] == "private, no-cache", "\(uri)")
                tags[uri] = try #require(own.headers[.eTag])
            }

            for (uri, tag) in tags {
                // call: the stranger, then no one, sends ada's tag
                var strangers = stranger.auth
                strangers[.ifNoneMatch] = tag
                let asStranger = try await client.execute(uri: uri, method: .get, headers: strangers)
                let asNoOne = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: tag])

                // check: the handler's refusal, never a 304, and not kept by any cache
                for answer in [asStranger, asNoOne] {
                    #expect(answer.status == .notFound, "\(uri)")
                    #expect(answer.headers[.eTag] == nil, "\(uri)")
                    #expect(answer.headers[.cacheControl] == "no-store", "\(uri)")
                }
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func writesCarryNoTagAndAreNotStored(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let patched = try await client.send(.patch, "/v1/me", as: ada, json: ["summary": "reader"])
            #expect(patched.status == .ok)
            #expect(patched.headers[.eTag] == nil)
            #expect(patched.headers[.cacheControl] == "no-store")
        }
    }
}
