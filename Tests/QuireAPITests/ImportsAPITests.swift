import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Issue 14: a reader's library in from another service, each row reported, run twice without
/// duplicating anything.
@Suite struct ImportsAPITests {
    static func settings(_ folder: String) -> @Sendable (inout QuireConfiguration) -> Void {
        { configuration in
            configuration.exports = ExportSettings(dataDirectory: folder, publicURL: "https://quire.example")
            configuration.exports.interval = .zero
        }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    static func fixture(_ name: String) throws -> ByteBuffer {
        ByteBuffer(data: try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    @Test(arguments: TestEngine.all)
    func theGoodreadsFixtureLandsOnTheRightShelvesWithRatingsDatesAndTheReview(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            _ = try await client.addEdition("Gideon the Ninth", authors: ["Tamsyn Muir"], isbn13: "9781250313195", as: ada)

            // call
            let imported = try await client.importFile(try Self.fixture("goodreads.csv"), as: ada, database: database)

            // check
            #expect(imported["format"] as? String == "goodreads", "recognised from its header")
            #expect(imported["state"] as? String == "finished")
            #expect(imported.int("rows") == 3)
            #expect((imported["progress"] as? [String: Any])?.int("total") == 3, "the file's rows, counted before the first batch")
            #expect((imported["progress"] as? [String: Any])?.int("done") == 3)
            #expect(imported.int("matched") == 1, "Gideon by its ISBN-13")
            #expect(imported.int("created") == 2)
            #expect(imported.int("failed") == 0)
            #expect(Set(try await client.shelfTitles("read", of: ada)) == ["Gideon the Ninth", "Subcutanean", "Patisserie at Home"])
            let statuses = try await client.statuses(of: ada)
            let byTitle = Dictionary(statuses.map { (($0["book"] as? [String: Any])?["title"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect((byTitle["Gideon the Ninth"]?["rating"] as? NSNumber)?.doubleValue == 3)
            #expect(byTitle["Subcutanean"] == nil, "a rating of 0 is no rating, and there is no review")
            #expect(byTitle["Patisserie at Home"]?["body"] as? String == "mixed feelings")
            #expect((byTitle["Patisserie at Home"]?["rating"] as? NSNumber)?.doubleValue == 2)
            #expect((byTitle["Gideon the Ninth"]?["created_at"] as? String)?.hasPrefix("2020-10-25") == true, "dated when it was read")
            let gideon = try await client.send(.get, "/v1/isbn/9781250313195", as: ada).body.json.int("id") ?? 0
            let readthroughs = try await client.send(.get, "/v1/editions/\(gideon)/readthroughs", as: ada).body.json.items
            #expect(readthroughs.first?["finished_on"] as? String == "2020-10-25")
            let shelved = try await client.send(.get, "/v1/shelves/\(try await client.shelfID("read", of: ada))/books", as: ada).body.json.items
            let subcutanean = shelved.first { $0["title"] as? String == "Subcutanean" }
            #expect((subcutanean?["shelved_at"] as? String)?.hasPrefix("2020-03-05") == true, "shelved on its date added")
            let profile = try await client.send(.get, "/v1/users/ada", as: ada).body.json
            #expect(profile.int("read_count") == 3)
        }
    }

    @Test(arguments: TestEngine.all)
    func importingTheSameFileTwiceAddsNothing(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            let first = try await client.importFile(try Self.fixture("goodreads.csv"), query: "format=goodreads", as: ada, database: database)
            let statusesBefore = try await client.statuses(of: ada).count
            let profileBefore = try await client.send(.get, "/v1/users/ada", as: ada).body.json

            // call
            let second = try await client.importFile(try Self.fixture("goodreads.csv"), query: "format=goodreads", as: ada, database: database)

            // check
            #expect(first.int("created") == 3)
            #expect(second.int("skipped") == 3)
            #expect(second.int("matched") == 0)
            #expect(second.int("created") == 0)
            #expect(try await client.statuses(of: ada).count == statusesBefore)
            let profileAfter = try await client.send(.get, "/v1/users/ada", as: ada).body.json
            #expect(profileAfter.int("read_count") == profileBefore.int("read_count"))
            #expect(profileAfter.int("statuses_count") == profileBefore.int("statuses_count"))
            let lines = try await client.importRows(second.int("id") ?? 0, as: ada)
            #expect(lines.map { $0["result"] as? String } == ["skipped", "skipped", "skipped"])
        }
    }

    @Test(arguments: TestEngine.all)
    func aBrowserFormUploadIsRecognisedAndImported(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            let boundary = "----quireform7MA4YWxkTrZu0gW"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"privacy\"\r\n\r\nfollowers\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"goodreads_library_export.csv\"\r\n")
            body.writeString("Content-Type: text/csv\r\n\r\n")
            var file = try Self.fixture("goodreads.csv")
            body.writeBuffer(&file)
            body.writeString("\r\n--\(boundary)--\r\n")

            // call
            let started = try await client.execute(
                uri: "/v1/me/imports", method: .post,
                headers: [.authorization: "Bearer \(ada.token)", .contentType: "multipart/form-data; boundary=\(boundary)"], body: body)

            // check
            #expect(started.status == .accepted)
            #expect(started.headers[.location]?.hasPrefix("/v1/jobs/") == true)
            let job = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
            #expect((started.body.json["job"] as? [String: Any])?["kind"] as? String == "account.import")
            try await waitForJob(job, on: database) { $0.state.isFinished }
            let imported = try await client.send(.get, "/v1/me/imports/\(started.body.json.int("import_id") ?? 0)", as: ada).body.json
            #expect(imported["file_name"] as? String == "goodreads_library_export.csv")
            #expect(imported["privacy"] as? String == "followers")
            #expect(imported.int("created") == 3)
            let review = try await client.statuses(of: ada).first { $0["body"] as? String == "mixed feelings" }
            #expect(review?["privacy"] as? String == "followers", "the form's privacy applies to imported reviews")
            let listed = try await client.send(.get, "/v1/me/imports", as: ada).body.json.items
            #expect(listed.count == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func aBadFileIsRefusedWithTheRequestAndNothingIsWritten(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { configuration in
            Self.settings(folder)(&configuration)
            configuration.maxImportBytes = 4_096
        }) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            func post(_ text: String, query: String = "", as user: APIUser? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "text/csv"]
                if let user = user ?? ada as APIUser? { headers[.authorization] = "Bearer \(user.token)" }
                return try await client.execute(uri: "/v1/me/imports" + (query.isEmpty ? "" : "?" + query), method: .post,
                                                headers: headers, body: ByteBuffer(string: text))
            }

            // call
            let empty = try await post("")
            let unrecognised = try await post("colour,size\nred,9\n")
            let missing = try await post("Book Id,My Rating\n1,3\n", query: "format=goodreads")
            let tooLarge = try await post("Title,Author\n" + String(repeating: "x", count: 5_000))
            let badFormat = try await post("Title\n", query: "format=myspace")
            let badPrivacy = try await post("Title\n", query: "privacy=everyone")
            let anonymous = try await client.execute(uri: "/v1/me/imports", method: .post, headers: [.contentType: "text/csv"],
                                                     body: ByteBuffer(string: "Title\n"))

            // check
            #expect(empty.status == .badRequest)
            #expect(empty.body.json.errorCode == "import_empty")
            #expect(unrecognised.status == .badRequest)
            #expect(unrecognised.body.json.errorMessage?.contains("goodreads, storygraph") == true, "names the formats accepted")
            #expect(missing.status == .badRequest)
            #expect(missing.body.json.errorCode == "import_missing_columns")
            #expect(missing.body.json.errorMessage?.contains("'Title'") == true, "names the missing column")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(badFormat.status == .badRequest)
            #expect(badFormat.body.json.errorMessage?.hasPrefix("format:") == true)
            #expect(badPrivacy.status == .badRequest)
            #expect(anonymous.status == .unauthorized)
            #expect(try await client.send(.get, "/v1/me/imports", as: ada).body.json.items.isEmpty)
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: (folder as NSString).appendingPathComponent("imports"))) ?? []
            #expect(stored.isEmpty, "a refused upload leaves no file")
        }
    }

    @Test(arguments: TestEngine.all)
    func failedRowsAreReportedServedAsCSVAndRetried(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup: an OpenLibrary reading log, one of whose editions the catalog doesn't have yet
            let ada = try await client.signUp("ada")
            _ = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "Kindred", "authors": ["Octavia E. Butler"], "openlibrary_key": "OL1M"])
            let log = "Work Id,Edition Id,Bookshelf\nOL1W,OL1M,Already Read\nOL2W,OL2M,Want to Read\n"

            // call
            let imported = try await client.importFile(ByteBuffer(string: log), as: ada, database: database)
            let id = imported.int("id") ?? 0
            let failed = try await client.importRows(id, result: "failed", as: ada)
            let csv = try await client.send(.get, "/v1/me/imports/\(id)/failed.csv", as: ada)
            _ = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "Dawn", "authors": ["Octavia E. Butler"], "openlibrary_key": "OL2M"])
            let retried = try await client.send(.post, "/v1/me/imports/\(id)/retry", as: ada)
            try await waitForJob((retried.body.json["job"] as? [String: Any])?.int("id") ?? 0, on: database) { $0.state.isFinished }
            let after = try await client.send(.get, "/v1/me/imports/\(id)", as: ada).body.json
            let again = try await client.send(.post, "/v1/me/imports/\(id)/retry", as: ada)

            // check
            #expect(imported["format"] as? String == "openlibrary")
            #expect(imported.int("matched") == 1)
            #expect(imported.int("failed") == 1)
            #expect(failed.count == 1)
            #expect(failed.first.int("row") == 2)
            #expect((failed.first?["reason"] as? String)?.hasPrefix("row 2: ") == true)
            #expect((failed.first?["reason"] as? String)?.contains("OL2M") == true)
            #expect(csv.status == .ok)
            let lines = String(buffer: csv.body).split(separator: "\n")
            #expect(lines.first == "Work Id,Edition Id,Bookshelf,reason", "the file's own columns and a reason")
            #expect(lines.count == 2)
            #expect(lines.last?.hasPrefix("OL2W,OL2M,Want to Read,") == true)
            #expect(retried.status == .accepted)
            #expect(after.int("failed") == 0)
            #expect(after.int("matched") == 2)
            #expect(after.int("rows") == 2)
            #expect(try await client.shelfTitles("to-read", of: ada) == ["Dawn"])
            #expect(again.status == .conflict, "nothing left to retry")
        }
    }

    @Test(arguments: TestEngine.all)
    func anotherReadersImportIsNotFound(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            let eve = try await client.signUp("eve")
            let imported = try await client.importFile(try Self.fixture("goodreads.csv"), as: ada, database: database)
            let id = imported.int("id") ?? 0

            // call + check
            for path in ["", "/rows", "/failed.csv"] {
                #expect(try await client.send(.get, "/v1/me/imports/\(id)\(path)", as: eve).status == .notFound)
            }
            #expect(try await client.send(.post, "/v1/me/imports/\(id)/retry", as: eve).status == .notFound)
            #expect(try await client.send(.get, "/v1/me/imports", as: eve).body.json.items.isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func theFixtureArchiveRestoresBooksShelvesReadthroughsAndStatuses(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup
            let mouse = try await client.signUp("mouse")

            // call
            let imported = try await client.importFile(try Self.fixture("bookwyrm_account_export.tar.gz"), as: mouse, database: database)

            // check
            #expect(imported["format"] as? String == "bookwyrm", "recognised as a gzip'd archive")
            #expect(imported.int("created") == 2)
            #expect(imported.int("failed") == 0)
            let unresolved = imported["unresolved"] as? [[String: Any]] ?? []
            #expect(unresolved.count == 2, "the follow and the block name accounts on another server")
            let profile = try await client.send(.get, "/v1/users/mouse", as: mouse).body.json
            #expect(profile["display_name"] as? String == "Rat")
            #expect((profile["bio"] as? String)?.contains("soup in Paris") == true)
            #expect(profile["manually_approves_followers"] as? Bool == true)
            let read = try await client.shelfTitles("read", of: mouse)
            let toRead = try await client.shelfTitles("to-read", of: mouse)
            #expect(read + toRead == ["Seeking Like A State"], "on one default shelf")
            let statuses = try await client.statuses(of: mouse)
            #expect(statuses.map { $0["type"] as? String ?? "" }.sorted() == ["comment", "quotation", "review"])
            let review = statuses.first { $0["type"] as? String == "review" }
            #expect(review?["title"] as? String == "great book")
            #expect((review?["rating"] as? NSNumber)?.doubleValue == 5)
            #expect((review?["created_at"] as? String)?.hasPrefix("2023-08-14") == true, "dated as published")
            let seeing = try await client.send(.get, "/v1/isbn/9780300070163", as: mouse).body.json.int("id") ?? 0
            let readthroughs = try await client.send(.get, "/v1/editions/\(seeing)/readthroughs", as: mouse).body.json.items
            #expect(readthroughs.first?["started_on"] as? String == "2018-01-01")
            #expect(readthroughs.first?["finished_on"] as? String == "2023-08-13")
        }
    }

    @Test(arguments: TestEngine.all)
    func aBadRowFailsAloneAndABrokenArchiveFailsTheImportWithAReason(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: Self.settings(folder)) { client, database in
            // setup: a Goodreads file whose second row has a 1 MB review and third row a bad date;
            // a gzip'd tar whose archive.json is a list, not BookWyrm's object
            let ada = try await client.signUp("ada")
            let huge = String(repeating: "x", count: (1 << 20) + 10)
            let csv = "Title,Author,My Rating,Date Read,Exclusive Shelf,My Review\nKindred,Octavia E. Butler,4,2024/01/02,read,fine\n"
                + "Dawn,Octavia E. Butler,3,,read,\(huge)\nImago,Octavia E. Butler,3,2024/13/45,read,\n"
            let archiveFolder = (folder as NSString).appendingPathComponent("archive")
            try FileManager.default.createDirectory(atPath: archiveFolder, withIntermediateDirectories: true)
            try "[1, 2, 3]".write(toFile: (archiveFolder as NSString).appendingPathComponent("archive.json"), atomically: true, encoding: .utf8)
            let tarball = (folder as NSString).appendingPathComponent("broken.tar.gz")
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            tar.arguments = ["czf", tarball, "-C", archiveFolder, "archive.json"]
            try tar.run()
            tar.waitUntilExit()

            // call
            let rows = try await client.importFile(ByteBuffer(string: csv), query: "format=goodreads", as: ada, database: database)
            let broken = try await client.importFile(ByteBuffer(data: try Data(contentsOf: URL(fileURLWithPath: tarball))), as: ada, database: database)
            let brokenJob = try await client.send(.get, "/v1/jobs/\(broken.int("job_id") ?? 0)", as: ada).body.json

            // check: the good row is in, each bad one failed with its reason, nothing half-written
            #expect(rows.int("created") == 1)
            #expect(rows.int("failed") == 2)
            let reasons = try await client.importRows(rows.int("id") ?? 0, result: "failed", as: ada).compactMap { $0["reason"] as? String }
            #expect(reasons.count == 2)
            #expect(reasons.first?.hasPrefix("row 2: ") == true && reasons.first?.contains("My Review") == true, "\(reasons)")
            #expect(reasons.last?.hasPrefix("row 3: ") == true && reasons.last?.contains("Date Read") == true, "\(reasons)")
            #expect(try await client.shelfTitles("read", of: ada) == ["Kindred"])
            #expect(broken["format"] as? String == "bookwyrm")
            #expect(broken["state"] as? String == "failed")
            #expect((brokenJob["last_error"] as? String)?.hasPrefix("file: ") == true, "\(brokenJob)")
            #expect(brokenJob.int("attempts") == 1, "a file that can't be read is not tried again")
        }
    }

    @Test(arguments: TestEngine.all)
    func aPageOfTheReportOrTheImportsCostsTheSameForOneItemOrTwenty(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { configuration in
            Self.settings(folder)(&configuration)
            configuration.sessionCacheTTL = .zero
        }) { client, database in
            // setup: 21 imports, the last of 25 rows
            let ada = try await client.signUp("ada")
            var csv = "Title,Author,Exclusive Shelf\n"
            for index in 0..<25 { csv += "Book \(index),Author \(index),to-read\n" }
            var last: [String: Any] = [:]
            for _ in 0..<21 { last = try await client.importFile(ByteBuffer(string: csv), query: "format=goodreads", as: ada, database: database) }
            let id = last.int("id") ?? 0
            func statements(_ uri: String) async throws -> (count: Int, items: Int, counts: Bool) {
                let (response, recorder) = try await StatementRecorder.recording { try await client.send(.get, uri, as: ada) }
                let counting = recorder.statements.contains { $0.uppercased().contains("COUNT(") }
                return (recorder.statements.count, response.body.json.items.count, counting)
            }

            // call
            let rows1 = try await statements("/v1/me/imports/\(id)/rows?limit=1")
            let rows20 = try await statements("/v1/me/imports/\(id)/rows?limit=20")
            let imports1 = try await statements("/v1/me/imports?limit=1")
            let imports20 = try await statements("/v1/me/imports?limit=20")

            // check
            #expect(rows1.items == 1 && rows20.items == 20)
            #expect(rows1.count == rows20.count, "the report: \(rows1.count) statements for 1, \(rows20.count) for 20")
            #expect(imports1.items == 1 && imports20.items == 20)
            #expect(imports1.count == imports20.count, "imports: \(imports1.count) statements for 1, \(imports20.count) for 20")
            #expect(![rows1, rows20, imports1, imports20].contains { $0.counts }, "no COUNT on a read path")
        }
    }
}
