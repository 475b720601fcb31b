import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Damaged export files through the whole import, upload to committed rows, on both engines.
/// The readers' own test (`ImportHostileFileTests`) stops at rows; here each row meets the
/// database, where values no rule caught failed whole imports on PostgreSQL (a NUL, a key past
/// an index's limit, a progress past 32 bits) and one (a rating of 1e19) stopped the server.
@Suite struct ImportHostileUploadTests {
    /// Files a run, per engine; `QUIRE_IMPORT_FUZZ_FILES` and `QUIRE_IMPORT_FUZZ_SEED` run others.
    static let files = Int(ProcessInfo.processInfo.environment["QUIRE_IMPORT_FUZZ_FILES"] ?? "") ?? 48
    static let seed = UInt64(ProcessInfo.processInfo.environment["QUIRE_IMPORT_FUZZ_SEED"] ?? "") ?? 20_261_208

    /// The fixtures as their services write them, and the archive's JSON alone; `gzip`: the
    /// damaged bytes are a tar, gzip'd again, so that the tar and the JSON are what is read.
    static func examples() throws -> [(name: String, bytes: [UInt8], gzip: Bool)] {
        let tar = try FileMutation.tar(of: ImportsAPITests.fixtures.appendingPathComponent("bookwyrm_account_export.tar.gz").path)
        let goodreads = try [UInt8](Data(contentsOf: ImportsAPITests.fixtures.appendingPathComponent("goodreads.csv")))
        let calibre = """
            "author_sort","authors","comments","identifiers","isbn","pubdate","publisher","rating","tags","timestamp","title"
            "Herbert, Frank","Frank Herbert","<p>Sand &amp; worms</p>","isbn:9780441172719,goodreads:44492285","","1965-08-01T00:00:00+00:00","Ace","8","Fiction, SF","2023-01-15T10:20:30+00:00","Dune"
            "Le Guin, Ursula","Ursula K. Le Guin","<b>Anarres</b>","openlibrary:OL1M","9780060512750","1974-05-01T00:00:00+00:00","Harper","10","SF","2023-02-15T10:20:30+00:00","The Dispossessed"

            """
        return [("goodreads.csv", goodreads, false), ("archive.json", try FileMutation.archiveJSON(inTar: tar), false),
                ("bookwyrm.tar.gz", tar, true), ("calibre.csv", Array(calibre.utf8), false)]
    }

    /// 20,000 characters at random: PostgreSQL compresses a long value before indexing it, so a
    /// repeated letter fits an index entry where text as long as this does not.
    static let incompressible: String = {
        var random = SeedRandom(seed: 1)
        return String((0..<20_000).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &random))) })
    }()

    /// Values for one field of archive.json at a time, as JSON: numbers past every width a
    /// column has, and text a database or an HTML reader may refuse (a NUL, a character
    /// reference to it, a key past a B-tree entry even compressed, four-byte characters, markup).
    static let hostileValues: [String] = try! ["1e19", "-1e308", "99999999999", "2147483648", "-1", "0.25", "null", "true", "[]", "{}"]
        + ["a\u{0}b", "&#0;", String(repeating: "9", count: 400), incompressible, String(repeating: "<", count: 2_000),
           " ", "\n", String(repeating: "𝔔", count: 700), "OL" + String(repeating: "1", count: 200) + "M", "9780306406157"].map(FileMutation.jsonString)

    /// archive.json once for each of its fields, that field given one of `hostileValues` (the
    /// seed picks which). Each copy's books are new to the catalog (titles numbered, ISBNs and
    /// keys made unique), so each makes its editions rather than matching the first copy's, and
    /// the fixture's editions are given a Goodreads key, which its BookWyrm left out, so every
    /// field an edition stores is written.
    static func hostileArchives(seed: UInt64) throws -> [(name: String, bytes: [UInt8], gzip: Bool)] {
        let fixture = String(decoding: try FileMutation.archiveJSON(
            inTar: try FileMutation.tar(of: ImportsAPITests.fixtures.appendingPathComponent("bookwyrm_account_export.tar.gz").path)), as: UTF8.self)
        let leaves = try FileMutation.leafCount(in: Array(fixture.replacingOccurrences(of: "\"openlibraryKey\":", with: "\"goodreadsKey\": \"\", \"openlibraryKey\":").utf8))
        return try (0..<leaves).map { leaf in
            let unique = fixture.replacingOccurrences(of: "\"title\": \"", with: "\"title\": \"\(leaf) ")
                .replacingOccurrences(of: "\"openlibraryKey\": \"OL", with: "\"goodreadsKey\": \"\(leaf)\", \"openlibraryKey\": \"OL\(leaf)0")
                .replacingOccurrences(of: "\"isbn13\": \"9780300070163", with: "\"isbn13\": \"\(isbn13(leaf))")
                .replacingOccurrences(of: "\"isbn13\": \"9780062975645", with: "\"isbn13\": \"\(isbn13(10_000 + leaf))")
            let value = hostileValues[Int((UInt64(leaf) &+ seed) % UInt64(hostileValues.count))]
            return ("archive.json, field \(leaf) = \(value.prefix(12))", try FileMutation.replacingLeaf(in: Array(unique.utf8), at: leaf, with: value), false)
        }
    }

    /// Values for one cell of a CSV at a time, as the cell's text.
    static let hostileCells = ["a\u{0}b", "&#0;", String(repeating: "9", count: 400), incompressible, String(repeating: "<", count: 2_000),
                               " ", "\n", String(repeating: "𝔔", count: 700), "1e19", "-1", "99999999999", "2147483648",
                               "9999-12-31", "0000/00/00", "=\"9780306406157\"", "OL" + String(repeating: "1", count: 200) + "M"]

    /// The first row of each CSV example once for each of its cells, that cell given one of
    /// `hostileCells` (the seed picks which), the title numbered and the ISBN-13 and Calibre's
    /// identifiers made unique otherwise, so that each copy makes its edition.
    static func hostileRows(seed: UInt64) throws -> [(name: String, bytes: [UInt8], gzip: Bool)] {
        var files: [(name: String, bytes: [UInt8], gzip: Bool)] = []
        for (name, bytes, _) in try examples() where name.hasSuffix(".csv") {
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 2)
            let (header, row) = (csvCells(lines[0]), csvCells(lines[1]))
            let (title, isbn) = (header.firstIndex { $0 == "Title" || $0 == "title" }, header.firstIndex { $0 == "ISBN13" || $0 == "isbn" })
            for cell in header.indices {
                var cells = row
                if let title { cells[title] = "\(files.count) \(cells[title])" }
                if let isbn { cells[isbn] = isbn13(20_000 + files.count) }
                if let identifiers = header.firstIndex(of: "identifiers") { cells[identifiers] = "goodreads:\(files.count)" }
                cells[cell] = hostileCells[Int((UInt64(cell) &+ seed) % UInt64(hostileCells.count))]
                let text = [header, cells].map { $0.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") }
                    .joined(separator: "\n") + "\n"
                files.append(("\(name), column \(header[cell]) = \(cells[cell].prefix(12).debugDescription)", Array(text.utf8), false))
            }
        }
        return files
    }

    /// A CSV line's cells (quotes, doubled quotes inside them).
    static func csvCells(_ line: Substring) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, previous: Character?
        for character in line {
            switch character {
            case "\"" where quoted: quoted = false
            case "\"": if previous == "\"" { cell.append("\"") }; quoted = true
            case "," where !quoted: cells.append(cell); cell = ""
            default: cell.append(character)
            }
            previous = character
        }
        return cells + [cell]
    }

    /// A valid ISBN-13 of its own for each number.
    static func isbn13(_ number: Int) -> String {
        let digits = Array("978" + String(100_000_000 + number).suffix(9)).map { Int(String($0))! }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return digits.map(String.init).joined() + String((10 - sum % 10) % 10)
    }

    /// Each upload is refused with a JSON error, or its import finishes, or fails for its file
    /// with the reader's reason and no second attempt; no row fails because the database refused
    /// it (a value the import's rules should have caught), every count stays exact, and what the
    /// imports stored goes out and back in whole (`exportedAndImportedAgain`).
    @Test(arguments: TestEngine.all)
    func damagedUploadsEndInAReportAndExactCounts(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: ImportsAPITests.settings(folder)) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            let examples = try Self.examples()
            var random = SeedRandom(seed: Self.seed)
            var problems: [String] = []
            var (finished, failed, refused, rows): (Int, Int, Int, Int64) = (0, 0, 0, 0)

            // call
            let hostile = try Self.hostileArchives(seed: Self.seed) + Self.hostileRows(seed: Self.seed)
            for file in 0..<(hostile.count + Self.files) {
                let example = file < hostile.count ? hostile[file] : examples[(file - hostile.count) % examples.count]
                var bytes = example.bytes
                if file >= hostile.count {
                    FileMutation.mutate(&bytes, rounds: [1, 1, 2, 4, 16][(file - hostile.count) / examples.count % 5], using: &random)
                }
                if example.gzip { bytes = try FileMutation.gzip(bytes) }
                let label = "file \(file) (\(example.name)\(file < hostile.count ? "" : ", seed \(Self.seed)"))"
                let started = try await client.execute(
                    uri: "/v1/me/imports", method: .post,
                    headers: [.authorization: "Bearer \(ada.token)", .contentType: "application/octet-stream"], body: ByteBuffer(bytes: bytes))
                guard started.status == .accepted else {
                    let error = started.body.json["error"] as? [String: Any]
                    if started.status.code >= 500 || error?["message"] == nil {
                        problems.append("\(label): the upload answered \(started.status) \(String(buffer: started.body).prefix(300))")
                    }
                    refused += 1
                    continue
                }
                let importID = started.body.json.int("import_id") ?? 0
                let job = try await waitForJob((started.body.json["job"] as? [String: Any])?.int("id") ?? 0, on: database) { $0.state.isFinished }
                let report = try await client.send(.get, "/v1/me/imports/\(importID)", as: ada).body.json
                switch report["state"] as? String {
                case "finished": finished += 1
                case "failed" where job.lastError?.hasPrefix("file: ") == true && job.attempts == 1: failed += 1
                default: problems.append("\(label): the import ended \(report["state"] ?? "nil") after \(job.attempts) attempts: \(job.lastError ?? "")")
                }
                rows += report.int("rows") ?? 0
                for row in try await client.importRows(importID, result: "failed", as: ada) {
                    let reason = row["reason"] as? String ?? ""
                    if reason.contains("the database refused") { problems.append("\(label): \(reason)") }
                }
            }

            // then: what they stored goes out in each of Quire's formats and back in
            let (reimported, statuses, lost) = try await Self.exportedAndImportedAgain(ada, client: client, database: database)
            problems += lost

            // check
            print("\(engine): \(hostile.count) archives and rows with a hostile field and \(Self.files) damaged files (seed \(Self.seed)): \(refused) refused at upload, \(failed) failed for their file, \(finished) finished with \(rows) rows; exported and imported again: \(reimported.joined(separator: ", ")) with \(statuses) statuses")
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
            #expect(finished >= (hostile.count + Self.files) / 3, "only \(finished) of \(hostile.count + Self.files) imports finished: too few rows reached the database")
            #expect(try await CounterAudit(database: database).run(repair: false).isEmpty, "counts moved by the imports are exact")
        }
    }

    /// What `ada` holds, and three statuses she writes through the API in text an export must
    /// escape, exported in each of Quire's formats and imported by a reader of its own: each
    /// import finished, no row failed, no edition made (each book found again), the archive's
    /// statuses all equal to hers and each CSV's review text whole. Returns what each import
    /// read, her statuses' count, and what went wrong.
    static func exportedAndImportedAgain(
        _ ada: APIUser, client: any TestClientProtocol, database: Database
    ) async throws -> (reimported: [String], statuses: Int, problems: [String]) {
        var (reimported, problems): ([String], [String]) = ([], [])
        // What a reader writes through the API, in text an export must escape.
        let tricky = "<b>bold</b> & \"quoted\" 'single' \\ back\tslash &amp; &#0; <p>\n\nsecond paragraph\nline 𝔔 é, \u{FEFF}"
        let book = try #require(try await client.addEdition("Round <Trip> & \"Back\"", authors: ["Zoë \"Q\" <Writer>"], as: ada).int("id"))
        for status: [String: Any] in [
            ["type": "review", "edition_id": book, "title": String(tricky.map { $0.isNewline || $0 == "\t" ? " " : $0 }), "body": tricky, "rating": 4.5],
            ["type": "comment", "edition_id": book, "body": tricky, "progress": 12],
            ["type": "quotation", "edition_id": book, "quote": tricky, "position": "12", "body": tricky],
        ] {
            let posted = try await client.send(.post, "/v1/statuses", as: ada, json: status)
            if posted.status != .created { problems.append("posting a status with tricky text answered \(posted.status) \(String(buffer: posted.body).prefix(200))") }
        }
        /// A reader's statuses as the export carries them: kind, text and rating, counted.
        func statuses(of user: APIUser) async throws -> [String: Int] {
            var counted: [String: Int] = [:], cursor: String?
            repeat {
                let page = try await client.send(.get, "/v1/users/\(user.username)/statuses?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), as: user).body.json
                for status in page.items {
                    counted["\(status["type"] ?? "") \(status["rating"] ?? "") \(status["title"] ?? "") \(status["body"] ?? "") \(status["quote"] ?? "")", default: 0] += 1
                }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            return counted
        }
        let written = try await statuses(of: ada)
        for (format, reader) in [("bookwyrm", "eve"), ("bookwyrm-csv", "fay"), ("goodreads", "gus")] {
            let importer = try await client.signUp(reader)
            let (export, file) = try await client.export(format, as: ada, database: database)
            guard let file else {
                problems.append("the \(format) export of what the imports stored ended \(export["state"] ?? "nil")")
                continue
            }
            let (importID, job) = try await client.startImport(file, as: importer)
            _ = try await waitForJob(job, on: database) { $0.state.isFinished }
            let report = try await client.send(.get, "/v1/me/imports/\(importID)", as: importer).body.json
            reimported.append("\(format) \(report.int("rows") ?? 0) rows")
            if report["state"] as? String != "finished" { problems.append("the \(format) export's import ended \(report["state"] ?? "nil")") }
            // The archive holds every status, the CSVs the newest review of each book.
            let reviews = try await client.statuses(of: importer).filter { $0["type"] as? String == "review" }
            if !reviews.contains(where: { $0["body"] as? String == tricky }) {
                problems.append("the \(format) export's import lost the review's text: \(reviews.compactMap { ($0["body"] as? String)?.prefix(80) })")
            }
            if format == "bookwyrm", case let read = try await statuses(of: importer), read != written {
                let differ = Set(read.keys).symmetricDifference(written.keys).prefix(3).map { String($0.prefix(120)) }
                problems.append("after the \(format) export's import the statuses differ from those exported: \(differ)")
            }
            // Each book it holds is one of the catalog's, found again by its ISBN, its key or
            // its title and author: a value the export wrote wrong makes another.
            if report.int("created") != 0 { problems.append("the \(format) export's import made \(report.int("created") ?? -1) new editions") }
            for row in try await client.importRows(importID, result: "failed", as: importer) {
                problems.append("the \(format) export's \(row["reason"] as? String ?? "")")
            }
        }
        return (reimported, written.values.reduce(0, +), problems)
    }
}
