import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireStore
import TestSupport
import Testing

/// Issue 14's round trip: an account exported in each of Quire's formats and imported into a
/// fresh database gives back what that format can hold.
@Suite struct ImportRoundTripTests {
    /// ada's library as read back: titles by shelf, statuses by book, read-throughs by book.
    struct Library {
        var shelves: [String: Set<String>] = [:]
        var statuses: [String: [[String: Any]]] = [:]
        var readthroughs: [String: [[String: Any]]] = [:]
        var following: [String] = []
        var blocking: [String] = []
    }

    static func library(of user: APIUser, client: any TestClientProtocol) async throws -> Library {
        var library = Library()
        let shelves = try await client.send(.get, "/v1/users/\(user.username)/shelves?limit=100", as: user).body.json.items
        for shelf in shelves {
            let identifier = shelf["identifier"] as? String ?? ""
            let books = try await client.send(.get, "/v1/shelves/\(shelf.int("id") ?? 0)/books?limit=100", as: user).body.json.items
            let titles = Set(books.compactMap { $0["title"] as? String })
            if !titles.isEmpty { library.shelves[identifier] = titles }
            for book in books {
                let title = book["title"] as? String ?? ""
                guard library.readthroughs[title] == nil else { continue }
                library.readthroughs[title] = try await client.send(.get, "/v1/editions/\(book.int("id") ?? 0)/readthroughs", as: user).body.json.items
            }
        }
        for status in try await client.statuses(of: user) {
            let title = (status["book"] as? [String: Any])?["title"] as? String ?? ""
            library.statuses[title, default: []].append(status)
        }
        for other in ["bob", "eve"] {
            let profile = try await client.send(.get, "/v1/users/\(other)", as: user)
            if profile.body.json["following"] as? Bool == true { library.following.append(other) }
            if profile.body.json["blocking"] as? Bool == true { library.blocking.append(other) }
        }
        return library
    }

    /// Exports ada in `format` from one database and imports the file into a fresh one.
    static func roundTrip(_ format: String, engine: TestEngine) async throws -> (before: Library, after: Library, imported: [String: Any]) {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let exported = Captured<(ByteBuffer, Library)>()
        try await withTestApp(engine, configure: ExportsAPITests.settings(folder)) { client, database in
            let ada = try await ExportsAPITests.seedAda(client)
            let (_, file) = try await client.export(format, as: ada, database: database)
            exported.value = (try #require(file), try await library(of: ada, client: client))
        }
        let (file, before) = try #require(exported.value)
        let result = Captured<(Library, [String: Any])>()
        try await withTestApp(engine, configure: ExportsAPITests.settings(folder)) { client, database in
            let ada = try await client.signUp("ada")
            _ = try await client.signUp("bob")
            _ = try await client.signUp("eve")
            let imported = try await client.importFile(file, as: ada, database: database)
            let drift = try await CounterAudit(database: database).run(repair: false)
            #expect(drift.isEmpty, "every counter the import moved is exact: \(drift)")
            result.value = (try await library(of: ada, client: client), imported)
        }
        let (after, imported) = try #require(result.value)
        return (before, after, imported)
    }

    static func rating(_ library: Library, _ title: String) -> Double? {
        (library.statuses[title]?.first { $0["type"] as? String == "review" }?["rating"] as? NSNumber)?.doubleValue
    }

    @Test(arguments: TestEngine.all)
    func theBookWyrmArchiveGivesBackTheWholeAccount(engine: TestEngine) async throws {
        let (before, after, imported) = try await Self.roundTrip("bookwyrm", engine: engine)
        #expect(imported["format"] as? String == "bookwyrm")
        #expect(imported.int("failed") == 0)
        #expect(after.shelves == before.shelves, "default and custom shelves, with their books")
        for title in ExportsAPITests.titles {
            let kinds = { (library: Library) in (library.statuses[title] ?? []).map { $0["type"] as? String ?? "" }.sorted() }
            #expect(kinds(after) == kinds(before), "\(title)'s statuses")
            let dates = { (library: Library) in (library.readthroughs[title] ?? []).map { "\($0["started_on"] ?? "-") \($0["finished_on"] ?? "-")" }.sorted() }
            #expect(dates(after) == dates(before), "\(title)'s read-throughs")
        }
        let review = after.statuses["Kindred"]?.first { $0["type"] as? String == "review" }
        #expect((review?["rating"] as? NSNumber)?.doubleValue == 4.5)
        #expect(review?["title"] as? String == "A classic")
        #expect(review?["content_warning"] as? String == "violence")
        #expect(review?["privacy"] as? String == "followers", "the archive's privacy")
        #expect((after.statuses["Piranesi"]?.first?["progress"] as? NSNumber)?.intValue == 120)
        #expect(after.statuses["Gideon the Ninth"]?.first?["quote"] as? String == "Mouth of the Ninth")
        #expect(after.following == ["bob"], "a follow of an account on this server")
        #expect(after.blocking == before.blocking)
    }

    @Test(arguments: TestEngine.all)
    func theBookWyrmCSVGivesBackShelvesRatingsReviewsAndReadthroughs(engine: TestEngine) async throws {
        let (before, after, imported) = try await Self.roundTrip("bookwyrm-csv", engine: engine)
        #expect(imported["format"] as? String == "bookwyrm-csv")
        #expect(imported.int("failed") == 0)
        // One shelf a book: the default shelf where there is one.
        #expect(after.shelves["to-read"] == before.shelves["to-read"])
        #expect(after.shelves["read"] == before.shelves["read"])
        #expect(Self.rating(after, "Kindred") == 4.5)
        let review = after.statuses["Kindred"]?.first { $0["type"] as? String == "review" }
        #expect(review?["body"] as? String == "Time, \"slavery\", and\nkinship")
        #expect(review?["title"] as? String == "A classic")
        #expect(after.readthroughs["Kindred"]?.first?["started_on"] as? String == "2026-01-02")
        #expect(after.readthroughs["Kindred"]?.first?["finished_on"] as? String == "2026-02-03")
    }

    @Test(arguments: TestEngine.all)
    func theGoodreadsCSVGivesBackShelvesRatingsReviewsAndFinishDates(engine: TestEngine) async throws {
        let (before, after, imported) = try await Self.roundTrip("goodreads", engine: engine)
        #expect(imported["format"] as? String == "goodreads")
        #expect(imported.int("failed") == 0)
        #expect(after.shelves["to-read"]?.isSuperset(of: before.shelves["to-read"] ?? []) == true)
        #expect(after.shelves["read"] == before.shelves["read"])
        #expect(after.shelves["favourites-best-of-2026"] == ["The Dispossessed"], "a custom shelf, by its identifier")
        #expect(Self.rating(after, "Kindred") == 5, "Goodreads keeps whole stars: 4.5 is written as 5")
        let review = after.statuses["Kindred"]?.first { $0["type"] as? String == "review" }
        #expect(review?["body"] as? String == "Time, \"slavery\", and\nkinship")
        #expect(after.readthroughs["Kindred"]?.first?["finished_on"] as? String == "2026-02-03")
    }
}

/// A value a test body sets inside a `@Sendable` closure and reads after it returned (the
/// closure has finished by then, so nothing reads and writes it at once).
final class Captured<Value>: @unchecked Sendable {
    var value: Value?
}
