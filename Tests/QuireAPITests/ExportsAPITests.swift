import CSV
import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Issue 13: a reader's whole library out, in the formats other services read.
@Suite struct ExportsAPITests {
    static let publicURL = "https://quire.example"

    /// A data folder per test and the public URL the archive's ids are under.
    static func settings(_ folder: String) -> @Sendable (inout QuireConfiguration) -> Void {
        { configuration in
            configuration.exports = ExportSettings(dataDirectory: folder, publicURL: publicURL)
            configuration.exports.interval = .zero
        }
    }

    /// ada's account: five books by five routes (shelves, a read-through, a review, a comment, a
    /// quotation), a follow and a block; and what must stay out of it: bob's review of her book,
    /// her note about no book, and a review she deleted.
    static func seedAda(_ client: any TestClientProtocol) async throws -> APIUser {
        let ada = try await client.signUp("ada")
        let bob = try await client.signUp("bob")
        _ = try await client.signUp("eve")
        func edition(_ title: String, _ author: String, isbn13: String? = nil) async throws -> Int64 {
            try await client.addEdition(title, authors: [author], isbn13: isbn13, as: ada).int("id") ?? 0
        }
        let dispossessed = try await edition("The Dispossessed", "Ursula K. Le Guin", isbn13: "9780061054884")
        let kindred = try await edition("Kindred", "Octavia E. Butler")
        let piranesi = try await edition("Piranesi", "Susanna Clarke")
        let gideon = try await edition("Gideon the Ninth", "Tamsyn Muir")
        let station = try await edition("Station Eleven", "Emily St. John Mandel")
        let deleted = try await edition("Deleted Thoughts", "Nobody")

        let favourites = try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Favourites, \"best\" of 2026"]).body.json.int("id") ?? 0
        try await client.shelve(dispossessed, on: try await client.shelfID("to-read", of: ada), as: ada)
        try await client.shelve(dispossessed, on: favourites, as: ada)
        try await client.shelve(kindred, on: try await client.shelfID("read", of: ada), as: ada)
        _ = try await client.send(.post, "/v1/editions/\(kindred)/readthroughs", as: ada,
                                  json: ["started_on": "2026-01-02", "finished_on": "2026-02-03"])
        try await client.post(["type": "review", "edition_id": kindred, "title": "A classic", "rating": 4.5,
                               "body": "Time, \"slavery\", and\nkinship", "content_warning": "violence", "privacy": "followers"], as: ada)
        try await client.post(["type": "comment", "edition_id": piranesi, "body": "halfway through the House", "progress": 120], as: ada)
        try await client.post(["type": "quotation", "edition_id": gideon, "quote": "Mouth of the Ninth", "position": "12", "body": ""], as: ada)
        _ = try await client.send(.post, "/v1/editions/\(station)/readthroughs", as: ada, json: ["started_on": "2026-03-01"])
        let gone = try await client.post(["type": "review", "edition_id": deleted, "title": "Gone", "rating": 1, "body": "x"], as: ada).int("id") ?? 0
        _ = try await client.send(.delete, "/v1/statuses/\(gone)", as: ada)
        try await client.note("a note about no book", as: ada)
        try await client.post(["type": "review", "edition_id": dispossessed, "title": "Bob's", "rating": 2, "body": "not mine"], as: bob)
        try await client.follow("bob", as: ada)
        _ = try await client.send(.post, "/v1/users/eve/block", as: ada)
        return ada
    }

    static let titles: Set<String> = ["The Dispossessed", "Kindred", "Piranesi", "Gideon the Ninth", "Station Eleven"]

    @Test(arguments: TestEngine.all)
    func theBookWyrmArchiveHoldsTheWholeAccount(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await Self.seedAda(client)

            // call
            let (export, file) = try await client.export("bookwyrm", as: ada, database: database)

            // check
            #expect(export["format"] as? String == "bookwyrm")
            #expect(export.int("books") == 5)
            let archive = try Self.archiveJSON(try #require(file), folder: folder)
            #expect(archive["id"] as? String == "\(Self.publicURL)/user/ada")
            #expect(archive["type"] as? String == "Person")
            #expect(archive["preferredUsername"] as? String == "ada")
            for key in ["name", "summary", "icon", "manuallyApprovesFollowers", "discoverable", "hideFollows", "settings", "goals",
                        "books", "saved_lists", "follows", "blocks"] {
                #expect(archive[key] != nil, "archive.json has no \(key)")
            }
            #expect(archive["follows"] as? [String] == ["\(Self.publicURL)/user/bob"])
            #expect(archive["blocks"] as? [String] == ["\(Self.publicURL)/user/eve"])
            let books = archive["books"] as? [[String: Any]] ?? []
            var byTitle: [String: [String: Any]] = [:]
            for book in books {
                for key in ["work", "edition", "authors", "shelves", "lists", "comments", "quotations", "reviews", "readthroughs"] {
                    #expect(book[key] != nil, "a book has no \(key)")
                }
                let edition = book["edition"] as? [String: Any] ?? [:]
                #expect(edition["type"] as? String == "Edition")
                byTitle[edition["title"] as? String ?? ""] = book
            }
            #expect(Set(byTitle.keys) == Self.titles)

            let dispossessed = byTitle["The Dispossessed"] ?? [:]
            #expect((dispossessed["edition"] as? [String: Any])?["isbn13"] as? String == "9780061054884")
            #expect(Set(((dispossessed["shelves"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
                    == ["To Read", "Favourites, \"best\" of 2026"])
            #expect((dispossessed["reviews"] as? [Any])?.isEmpty == true, "bob's review is not ada's")
            #expect(((dispossessed["authors"] as? [[String: Any]])?.first)?["name"] as? String == "Ursula K. Le Guin")

            let kindred = byTitle["Kindred"] ?? [:]
            let review = (kindred["reviews"] as? [[String: Any]])?.first ?? [:]
            #expect(review["type"] as? String == "Review")
            #expect(review["name"] as? String == "A classic")
            #expect((review["rating"] as? NSNumber)?.doubleValue == 4.5)
            #expect(review["summary"] as? String == "violence")
            #expect((review["content"] as? String)?.contains("kinship") == true)
            let readthrough = (kindred["readthroughs"] as? [[String: Any]])?.first ?? [:]
            #expect((readthrough["start_date"] as? String)?.hasPrefix("2026-01-02") == true)
            #expect((readthrough["finish_date"] as? String)?.hasPrefix("2026-02-03") == true)
            #expect(((kindred["shelves"] as? [[String: Any]])?.first)?["name"] as? String == "Read")

            let comment = ((byTitle["Piranesi"]?["comments"]) as? [[String: Any]])?.first ?? [:]
            #expect((comment["progress"] as? NSNumber)?.intValue == 120)
            let quotation = ((byTitle["Gideon the Ninth"]?["quotations"]) as? [[String: Any]])?.first ?? [:]
            #expect(quotation["quote"] as? String == "<p>Mouth of the Ninth</p>", "BookWyrm keeps a quote as HTML")
            let active = ((byTitle["Station Eleven"]?["readthroughs"]) as? [[String: Any]])?.first ?? [:]
            #expect(active["is_active"] as? Bool == true)
        }
    }

    @Test(arguments: TestEngine.all)
    func bothCSVsParseAndCarryTheSameBooks(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await Self.seedAda(client)

            // call
            let bookwyrm = try Self.csvRows(try #require(try await client.export("bookwyrm-csv", as: ada, database: database).file))
            let goodreads = try Self.csvRows(try #require(try await client.export("goodreads", as: ada, database: database).file))

            // check
            #expect(bookwyrm.header == Self.bookwyrmCSVHeader)
            #expect(goodreads.header == Self.goodreadsHeader)
            #expect(Set(bookwyrm.rows.map { $0["title"] ?? "" }) == Self.titles)
            #expect(Set(goodreads.rows.map { $0["Title"] ?? "" }) == Self.titles)
            #expect(bookwyrm.rows.count == 5 && goodreads.rows.count == 5)
            let kindred = bookwyrm.rows.first { $0["title"] == "Kindred" } ?? [:]
            #expect(kindred["review_name"] == "A classic")
            #expect(kindred["review_content"]?.contains("kinship") == true)
            let dispossessed = goodreads.rows.first { $0["Title"] == "The Dispossessed" } ?? [:]
            #expect(dispossessed["ISBN13"] == "=\"9780061054884\"")
            #expect(dispossessed["Exclusive Shelf"] == "to-read")
            #expect(dispossessed["Author"] == "Ursula K. Le Guin")
            let read = goodreads.rows.first { $0["Title"] == "Kindred" } ?? [:]
            #expect(read["Exclusive Shelf"] == "read")
            #expect(read["Date Read"] == "2026/02/03")
        }
    }

    @Test(arguments: TestEngine.all)
    func onlyTheOwnerCanDownloadAndRangesAndETagsWork(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await Self.seedAda(client)
            let (export, file) = try await client.export("goodreads", as: ada, database: database)
            let whole = try #require(file)
            let path = "/v1/me/exports/\(export.int("id") ?? 0)/download"
            let bob = try await client.signIn("bob")

            // call
            let others = try await client.send(.get, path, as: bob)
            let anonymous = try await client.execute(uri: path, method: .get, headers: [:], body: nil)
            let full = try await client.execute(uri: path, method: .get, headers: ada.auth, body: nil)
            var rangeHeaders = ada.auth
            rangeHeaders[.range] = "bytes=10-19"
            let part = try await client.execute(uri: path, method: .get, headers: rangeHeaders, body: nil)
            rangeHeaders[.range] = "bytes=\(whole.readableBytes + 5)-"
            let outside = try await client.execute(uri: path, method: .get, headers: rangeHeaders, body: nil)
            var cached = ada.auth
            cached[.ifNoneMatch] = full.headers[.eTag] ?? "none"
            let notModified = try await client.execute(uri: path, method: .get, headers: cached, body: nil)
            let othersList = try await client.send(.get, "/v1/me/exports", as: bob).body.json.items

            // check
            #expect(others.status == .notFound)
            #expect(anonymous.status == .unauthorized)
            #expect(othersList.isEmpty)
            #expect(full.headers[.contentLength] == String(whole.readableBytes))
            #expect(full.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(full.headers[.contentDisposition]?.contains("attachment; filename=") == true)
            #expect(full.headers[.eTag] != nil)
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 10-19/\(whole.readableBytes)")
            #expect(part.body == whole.getSlice(at: 10, length: 10))
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */\(whole.readableBytes)")
            #expect(notModified.status == .notModified)
        }
    }

    @Test(arguments: TestEngine.all)
    func badFormatsAndASecondExportTooSoonAreRefused(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { configuration in
            configuration.exports = ExportSettings(dataDirectory: folder)
            configuration.worker.concurrency = 0
        }) { client, database in
            // setup
            let ada = try await client.signUp("ada")

            // call
            let unknown = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "pdf"])
            let missing = try await client.send(.post, "/v1/me/exports", as: ada, json: [:])
            let first = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "goodreads"])
            let second = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "bookwyrm"])
            let listed = try await client.send(.get, "/v1/me/exports", as: ada).body.json.items

            // check
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.json.error["field"] as? String == "format")
            #expect((unknown.body.json.error["message"] as? String)?.contains("bookwyrm-csv") == true)
            #expect(missing.status == .badRequest)
            #expect(first.status == .accepted)
            #expect(first.headers[.location]?.hasPrefix("/v1/jobs/") == true)
            #expect(second.status == .tooManyRequests)
            #expect(Int(second.headers[.retryAfter] ?? "") ?? 0 > 3000)
            #expect(listed.count == 1, "the refused export left nothing behind")
            #expect(listed.first?["state"] as? String == "waiting")

            // a cancelled export doesn't count against the interval, and leaves no file
            let job = (first.body.json["job"] as? [String: Any])?.int("id") ?? 0
            _ = try await client.send(.post, "/v1/jobs/\(job)/cancel", as: ada)
            let afterCancel = try await client.send(.get, "/v1/me/exports", as: ada).body.json.items
            #expect(afterCancel.first?["state"] as? String == "cancelled")
            let third = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "bookwyrm"])
            #expect(third.status == .accepted)
            _ = database
        }
    }

    @Test(arguments: TestEngine.all)
    func anExpiredFileIsGoneAfterThePruneJob(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = ExportSettings(dataDirectory: folder, ttl: .zero, interval: .zero)
        try await withTestApp(engine, configure: { $0.exports = settings }) { client, database in
            // setup
            let ada = try await Self.seedAda(client)
            let (export, file) = try await client.export("bookwyrm-csv", as: ada, database: database)
            #expect(file != nil)
            let exportsFolder = settings.exportsFolder
            #expect(try FileManager.default.contentsOfDirectory(atPath: exportsFolder).count == 1)

            // call
            let queue = JobQueue(database: database, registry: .standard(exports: settings))
            let (prune, _) = try await queue.enqueue(NewJob(kind: ExportsPruneJob.name))
            let pruned = try await waitForJob(prune.id, on: database) { $0.state.isFinished }

            // check
            #expect(pruned.state == .succeeded)
            #expect(try FileManager.default.contentsOfDirectory(atPath: exportsFolder).isEmpty)
            let listed = try await client.send(.get, "/v1/me/exports", as: ada).body.json.items
            #expect(listed.first?["state"] as? String == "expired")
            #expect(listed.first?["download_url"] == nil)
            let download = try await client.send(.get, "/v1/me/exports/\(export.int("id") ?? 0)/download", as: ada)
            #expect(download.status == .gone)
        }
    }

    // MARK: reading the files back

    static let bookwyrmCSVHeader = [
        "title", "author_text", "remote_id", "openlibrary_key", "finna_key", "libris_key", "inventaire_id", "librarything_key",
        "goodreads_key", "bnf_id", "viaf", "wikidata", "asin", "aasin", "isfdb", "isbn_10", "isbn_13", "oclc_number", "pages",
        "start_date", "finish_date", "stopped_date", "rating", "review_name", "review_cw", "review_content", "review_published",
        "shelf", "shelf_name", "shelf_date",
    ]

    static let goodreadsHeader = [
        "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating", "Average Rating", "Publisher",
        "Binding", "Number of Pages", "Year Published", "Original Publication Year", "Date Read", "Date Added", "Bookshelves",
        "Bookshelves with positions", "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count", "Recommended For",
        "Recommended By", "Owned Copies", "Original Purchase Date", "Original Purchase Location", "Condition",
        "Condition Description", "BCID",
    ]

    /// The rows of a CSV file as read by CSV.swift, a standard reader, keyed by the header.
    static func csvRows(_ file: ByteBuffer) throws -> (header: [String], rows: [[String: String]]) {
        let reader = try CSVReader(string: String(buffer: file), hasHeaderRow: true)
        let header = reader.headerRow ?? []
        var rows: [[String: String]] = []
        while let row = reader.next() {
            rows.append(Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first }))
        }
        return (header, rows)
    }

    /// archive.json from a gzip'd tar, unpacked by the system's tar.
    static func archiveJSON(_ file: ByteBuffer, folder: String) throws -> [String: Any] {
        let unpack = (folder as NSString).appendingPathComponent("unpacked-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(atPath: unpack, withIntermediateDirectories: true)
        let archive = (unpack as NSString).appendingPathComponent("export.tar.gz")
        try Data(buffer: file).write(to: URL(fileURLWithPath: archive))
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xzf", archive, "-C", unpack]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw TestSetupError("tar could not unpack the export") }
        let json = try Data(contentsOf: URL(fileURLWithPath: (unpack as NSString).appendingPathComponent("archive.json")))
        return try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
    }
}
