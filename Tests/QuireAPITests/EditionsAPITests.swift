import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@Suite struct EditionsAPITests {
    @Test(arguments: TestEngine.all)
    func addingAnEditionMakesItsWorkAndAuthorsAndFindsItByEitherISBN(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let created = try await client.send(.post, "/v1/editions", as: ada, json: [
                "title": "The Dispossessed", "authors": ["Ursula K. Le Guin"], "isbn_10": "0-06-051275-X",
                "pages": 387, "languages": ["en"], "published_date": "1974-05", "physical_format": "paperback",
            ])
            #expect(created.status == .created)
            let edition = created.body.json
            #expect(edition["isbn_13"] as? String == "9780060512750")
            #expect(edition["isbn_10"] as? String == "006051275X")
            let authors = edition["authors"] as? [[String: Any]] ?? []
            #expect(authors.first?["name"] as? String == "Ursula K. Le Guin")

            for isbn in ["006051275X", "978-0-06-051275-0"] {
                let found = try await client.send(.get, "/v1/isbn/\(isbn)")
                #expect(found.status == .ok)
                #expect(found.body.json.int("id") == edition.int("id"))
            }

            let work = try await client.send(.get, "/v1/works/\(edition.int("work_id") ?? 0)")
            #expect(work.status == .ok)
            #expect((work.body.json["editions"] as? [String: Any])?.items.count == 1)
            let author = try await client.send(.get, "/v1/authors/\(authors.first?.int("id") ?? 0)")
            #expect((author.body.json["works"] as? [String: Any])?.items.first?["title"] as? String == "The Dispossessed")

            // A second edition by the same author name reuses the author.
            let second = try await client.addEdition("The Left Hand of Darkness", authors: ["ursula k. le guin"], as: ada)
            #expect((second["authors"] as? [[String: Any]])?.first?.int("id") == authors.first?.int("id"))
        }
    }

    @Test(arguments: TestEngine.all)
    func badISBNsAndDuplicatesAreRefused(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            let ada = try await client.signUp("ada")
            let badCheck = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "X", "isbn_13": "9780306406153"])
            #expect(badCheck.status == .badRequest)
            #expect(badCheck.body.json.error["field"] as? String == "isbn_13")
            #expect((badCheck.body.json.error["message"] as? String)?.contains("should be 7") == true)

            _ = try await client.addEdition("First", isbn13: "9780306406157", as: ada)
            let duplicate = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "Again", "isbn_10": "0306406152"])
            #expect(duplicate.status == .conflict)

            let lookup = try await client.send(.get, "/v1/isbn/12345")
            #expect(lookup.status == .badRequest)
            let missingTitle = try await client.send(.post, "/v1/editions", as: ada, json: ["authors": ["Someone"]])
            #expect(missingTitle.body.json.error["field"] as? String == "title")
            let anonymous = try await client.send(.post, "/v1/editions", json: ["title": "Anonymous"])
            #expect(anonymous.status == .unauthorized)
            let editions = try await database.read { try await $0.select().column("id").from("editions").all() }
            #expect(editions.count == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func onlyTheAdderEditsAnEdition(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            let edition = try await client.addEdition("Typo Tilte", as: ada)
            let id = edition.int("id") ?? 0
            let byBob = try await client.send(.patch, "/v1/editions/\(id)", as: bob, json: ["title": "Vandalised"])
            let byAda = try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["title": "Typo Title", "pages": 120])
            #expect(byBob.status == .forbidden)
            #expect(byAda.status == .ok)
            let shown = try await client.send(.get, "/v1/editions/\(id)")
            #expect(shown.body.json["title"] as? String == "Typo Title")
            #expect(shown.body.json.int("pages") == 120)
            let badPages = try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["pages": 0])
            #expect(badPages.body.json.error["field"] as? String == "pages")
        }
    }

    @Test(arguments: TestEngine.all)
    func fieldsSelectsAndUnknownFieldsAreNamed(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            let ada = try await client.signUp("ada")
            let edition = try await client.addEdition("Lathe of Heaven", as: ada)
            let picked = try await client.send(.get, "/v1/editions/\(edition.int("id") ?? 0)?fields=id,title")
            #expect(Set(picked.body.json.keys) == ["id", "title"])
            let unknown = try await client.send(.get, "/v1/editions/\(edition.int("id") ?? 0)?fields=id,secret")
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.json.error["field"] as? String == "fields")
            #expect((unknown.body.json.error["message"] as? String)?.contains("secret") == true)
            let missing = try await client.send(.get, "/v1/editions/999999")
            #expect(missing.status == .notFound)
        }
    }

    /// A title and an author at the API's limits (500 and 200 scalars) in four-byte characters
    /// that don't compress: their match key was 2,801 bytes, past what a PostgreSQL B-tree entry
    /// holds, and the edition's insert answered 500 there. The key is cut to 600 scalars, and an
    /// import of the same book still finds it by that key.
    @Test(arguments: TestEngine.all)
    func aTitleAndAnAuthorAtTheirLimitsInFourByteCharactersAreStoredAndMatched(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: ImportsAPITests.settings(folder)) { client, database in
            // setup: CJK Extension B ideographs, a different one each time (seeded)
            var seed: UInt32 = 2_026
            func ideographs(_ count: Int) -> String {
                String(String.UnicodeScalarView((0..<count).map { _ in
                    seed = seed &* 1_103_515_245 &+ 12_345
                    return Unicode.Scalar(0x20000 + (seed >> 8) % 0xA6D0)!
                }))
            }
            let (title, author) = (ideographs(500), ideographs(200))
            let ada = try await client.signUp("ada")

            // call
            let created = try await client.send(.post, "/v1/editions", as: ada, json: ["title": title, "authors": [author]])
            let file = "Title,Author,Exclusive Shelf\n\(title),\(author),to-read\n"
            let imported = try await client.importFile(ByteBuffer(string: file), as: ada, database: database)

            // check
            #expect(created.status == .created)
            let edition = try await client.send(.get, "/v1/editions/\(created.body.json.int("id") ?? 0)").body.json
            #expect(edition["title"] as? String == title)
            #expect(imported.int("matched") == 1 && imported.int("created") == 0, "found by its match key")
        }
    }
}
