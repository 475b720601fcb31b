import Foundation
import QuireExchange
import Testing

@Suite struct BookWyrmArchiveTests {
    typealias JSON = [String: Any]

    /// Writes the fixture library, un-gzips and un-tars it with the system's tar, and parses
    /// archive.json.
    private func writtenArchive(_ directory: borrowing TemporaryDirectory) throws -> (archive: JSON, raw: Data) {
        let path = directory.file("export.tar.gz")
        try ExportFixtures.write(.bookwyrm, to: path)
        let listing = String(decoding: try run("/usr/bin/env", ["tar", "-tzf", path]), as: UTF8.self)
        #expect(listing == "archive.json\n")
        let unpacked = directory.file("unpacked")
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        _ = try run("/usr/bin/env", ["tar", "-xzf", path, "-C", unpacked])
        let raw = try Data(contentsOf: URL(fileURLWithPath: unpacked + "/archive.json"))
        let archive = try #require(try JSONSerialization.jsonObject(with: raw) as? JSON)
        return (archive, raw)
    }

    @Test func theArchiveHoldsOneLineOfASCIIJSONAndNothingElseIsLeftBeside() throws {
        let directory = try TemporaryDirectory()
        let (_, raw) = try writtenArchive(directory)

        #expect(!raw.contains(UInt8(ascii: "\n")))
        #expect(raw.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        #expect(raw.starts(with: Array(#"{"id": "https://quire.example/user/reader_1", "type": "Person""#.utf8)))
        #expect(directory.contents == ["export.tar.gz", "unpacked"])
    }

    @Test func theTopLevelCarriesTheAccountFollowsAndBlocks() throws {
        let directory = try TemporaryDirectory()
        let (archive, _) = try writtenArchive(directory)

        #expect(archive["id"] as? String == "https://quire.example/user/reader_1")
        #expect(archive["type"] as? String == "Person")
        #expect(archive["preferredUsername"] as? String == "reader_1")
        #expect(archive["name"] as? String == "Réader \"One\"")
        #expect(archive["summary"] as? String == "<p>Reads &lt;everything&gt;<br>slowly</p>")
        #expect((archive["icon"] as? JSON)?.isEmpty == true)
        #expect(archive["manuallyApprovesFollowers"] as? Bool == true)
        #expect(archive["discoverable"] as? Bool == false)
        #expect(archive["hideFollows"] as? Bool == false)
        let settings = try #require(archive["settings"] as? JSON)
        #expect(settings["show_goal"] as? Bool == true)
        #expect(settings["preferred_timezone"] as? String == "UTC")
        #expect(settings["default_post_privacy"] as? String == "followers")
        #expect(settings["show_suggested_users"] as? Bool == true)
        #expect((archive["goals"] as? [Any])?.isEmpty == true)
        #expect((archive["saved_lists"] as? [Any])?.isEmpty == true)
        #expect(archive["follows"] as? [String] == ["https://quire.example/user/alice", "https://quire.example/user/bob_2"])
        #expect(archive["blocks"] as? [String] == ["https://quire.example/user/mallory"])
        let books = try #require(archive["books"] as? [JSON])
        #expect(books.count == 4)
        for book in books {
            for key in ["work", "edition", "authors", "shelves", "lists", "comments", "quotations", "reviews", "readthroughs"] {
                #expect(book[key] != nil, "books[] entry lacks \(key)")
            }
        }
    }

    @Test func aBookCarriesItsEditionWorkAuthorsAndShelvesByBookWyrmsNames() throws {
        let directory = try TemporaryDirectory()
        let (archive, _) = try writtenArchive(directory)
        let books = try #require(archive["books"] as? [JSON])

        let dune = books[0]
        let edition = try #require(dune["edition"] as? JSON)
        #expect(edition["id"] as? String == "https://quire.example/book/101")
        #expect(edition["type"] as? String == "Edition")
        #expect(edition["title"] as? String == ExportFixtures.awkwardTitle)
        #expect(edition["subtitle"] as? String == "Book 2, of 6")
        #expect(edition["isbn10"] as? String == "0441172717")
        #expect(edition["isbn13"] as? String == "9780441172719")
        #expect(edition["pages"] as? Int == 331)
        #expect(edition["publishers"] as? [String] == ["Ace", "Gollancz"])
        #expect(edition["publishedDate"] as? String == "1969-10")
        #expect(edition["work"] as? String == "https://quire.example/work/11")
        #expect(edition["authors"] as? [String] == ["https://quire.example/author/1", "https://quire.example/author/2"])
        #expect(edition["languages"] as? [String] == ["English"])
        #expect(edition["description"] as? String == "<p>A desert planet.</p>")
        #expect(edition["physicalFormat"] as? String == "Paperback")
        #expect(edition["openlibraryKey"] as? String == "OL26242482M")
        let work = try #require(dune["work"] as? JSON)
        #expect(work["id"] as? String == "https://quire.example/work/11")
        #expect(work["type"] as? String == "Work")
        #expect(work["title"] as? String == "Dune Messiah")
        let authors = try #require(dune["authors"] as? [JSON])
        #expect(authors.map { $0["type"] as? String } == ["Author", "Author"])
        #expect(authors.map { $0["name"] as? String } == ["Frank Herbert", "Kevin J. Anderson"])
        #expect(authors.map { $0["id"] as? String } == ["https://quire.example/author/1", "https://quire.example/author/2"])
        let shelves = try #require(dune["shelves"] as? [JSON])
        #expect(shelves.map { $0["name"] as? String } == ["Read", "Favourites, \"best\""])
        #expect(shelves.map { $0["type"] as? String } == ["Shelf", "Shelf"])
        #expect(shelves[0]["to"] as? [String] == ["https://www.w3.org/ns/activitystreams#Public"])
        #expect(shelves[1]["to"] as? [String] == [])

        let emile = books[1]
        #expect((emile["shelves"] as? [JSON])?.map { $0["name"] as? String } == ["Philosophy"])
        for key in ["lists", "comments", "quotations", "reviews", "readthroughs"] {
            #expect((emile[key] as? [Any])?.isEmpty == true, "\(key) should be an empty list")
        }
        let emileEdition = try #require(emile["edition"] as? JSON)
        #expect(emileEdition["isbn13"] as? String == "")
        #expect(emileEdition["pages"] is NSNull)
        #expect((books[2]["shelves"] as? [JSON])?.map { $0["name"] as? String } == ["Stopped Reading"])
        #expect((books[3]["shelves"] as? [JSON])?.map { $0["name"] as? String } == ["Currently Reading"])
        #expect((books[2]["authors"] as? [Any])?.isEmpty == true)
    }

    @Test func reviewsQuotationsAndCommentsAreBookWyrmStatuses() throws {
        let directory = try TemporaryDirectory()
        let (archive, _) = try writtenArchive(directory)
        let books = try #require(archive["books"] as? [JSON])
        let dune = books[0]

        let reviews = try #require(dune["reviews"] as? [JSON])
        #expect(reviews.count == 2)
        let first = reviews[0], second = reviews[1]
        #expect(first["type"] as? String == "Review")
        #expect(first["id"] as? String == "https://quire.example/status/501")
        #expect(first["name"] as? String == "First")
        #expect(first["rating"] as? Double == 3.5)
        #expect(first["content"] as? String == "<p>Good</p>")
        #expect(first["summary"] is NSNull)
        #expect(first["to"] as? [String] == ["https://www.w3.org/ns/activitystreams#Public"])
        #expect(first["cc"] as? [String] == ["https://quire.example/user/reader_1/followers"])
        #expect(second["name"] as? String == "Second, \"thoughts\"")
        #expect(second["rating"] as? Double == 2.0)
        #expect(second["published"] as? String == "2024-03-05T14:07:09.123456+00:00")
        #expect(second["summary"] as? String == "spoilers: the ending")
        #expect(second["sensitive"] as? Bool == true)
        #expect(second["content"] as? String == "<p>Line one, with comma<br>Line &quot;two&quot;</p><p>&lt;b&gt;Bold&lt;/b&gt; &amp; 😀 \\ \u{01} tab\there</p>")
        #expect(second["to"] as? [String] == ["https://quire.example/user/reader_1/followers"])
        #expect(second["cc"] as? [String] == [])
        #expect(second["attributedTo"] as? String == "https://quire.example/user/reader_1")
        #expect(second["inReplyToBook"] as? String == "https://quire.example/book/101")

        let comments = try #require(dune["comments"] as? [JSON])
        #expect(comments.count == 1)
        #expect(comments[0]["type"] as? String == "Comment")
        #expect(comments[0]["progress"] as? Int == 120)
        #expect(comments[0]["progress_mode"] as? String == "PG")
        #expect(comments[0]["to"] as? [String] == ["https://quire.example/user/reader_1/followers"])
        #expect(comments[0]["cc"] as? [String] == ["https://www.w3.org/ns/activitystreams#Public"])

        let quotations = try #require(dune["quotations"] as? [JSON])
        #expect(quotations.count == 1)
        #expect(quotations[0]["type"] as? String == "Quotation")
        #expect(quotations[0]["quote"] as? String == "<p>Fear is the mind-killer.</p>")
        #expect(quotations[0]["position"] as? Int == 42)
        #expect(quotations[0]["position_mode"] as? String == "PCT")
        let unnumbered = try #require((books[2]["quotations"] as? [JSON])?.first)
        #expect(unnumbered["position"] is NSNull)
        #expect(unnumbered["position_mode"] as? String == "PG")
        #expect((books[3]["reviews"] as? [JSON])?.first?["rating"] as? Double == 0.5)
    }

    @Test func readthroughsCarryTheirDatesProgressAndState() throws {
        let directory = try TemporaryDirectory()
        let (archive, _) = try writtenArchive(directory)
        let books = try #require(archive["books"] as? [JSON])

        let dune = try #require(books[0]["readthroughs"] as? [JSON])
        #expect(dune.count == 2)
        #expect(dune[1]["start_date"] as? String == "2023-05-01T00:00:00Z")
        #expect(dune[1]["finish_date"] as? String == "2023-06-10T00:00:00Z")
        #expect(dune[1]["stopped_date"] is NSNull)
        #expect(dune[1]["progress"] as? Int == 331)
        #expect(dune[1]["progress_mode"] as? String == "PG")
        #expect(dune[1]["is_active"] as? Bool == false)
        #expect(dune[1]["updated_date"] as? String == "2024-03-05T14:07:09.123Z")

        let stopped = try #require((books[2]["readthroughs"] as? [JSON])?.first)
        #expect(stopped["stopped_date"] as? String == "2024-02-02T00:00:00Z")
        #expect(stopped["finish_date"] is NSNull)
        #expect(stopped["progress"] as? Int == 30)
        #expect(stopped["progress_mode"] as? String == "PCT")
        #expect(stopped["is_active"] as? Bool == false)

        let active = try #require((books[3]["readthroughs"] as? [JSON])?.first)
        #expect(active["is_active"] as? Bool == true)
        #expect(active["start_date"] as? String == "2024-03-01T00:00:00Z")
    }

    @Test func anAccountWithNothingStillHasEveryList() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.tar.gz")
        let writer = try makeExportWriter(.bookwyrm, path: path, publicURL: ExportFixtures.publicURL)
        try writer.begin(profile: ExchangeProfile(username: "new", displayName: nil, summary: nil, manuallyApprovesFollowers: false, defaultPrivacy: "public"))
        try writer.finish()
        _ = try run("/usr/bin/env", ["tar", "-xzf", path, "-C", directory.path])
        let raw = try Data(contentsOf: URL(fileURLWithPath: directory.file("archive.json")))
        let archive = try #require(try JSONSerialization.jsonObject(with: raw) as? JSON)

        for key in ["books", "follows", "blocks", "goals", "saved_lists"] {
            #expect((archive[key] as? [Any])?.isEmpty == true, "\(key) should be an empty list")
        }
        #expect(archive["name"] as? String == "")
        #expect(archive["summary"] as? String == "")
        #expect((archive["settings"] as? JSON)?["default_post_privacy"] as? String == "public")
    }

    /// More than a 64 KiB chunk of JSON, so the tar and gzip streams cross many chunk edges.
    @Test func aLargeLibraryArrivesWhole() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("large.tar.gz")
        let writer = try makeExportWriter(.bookwyrm, path: path, publicURL: ExportFixtures.publicURL)
        try writer.begin(profile: ExportFixtures.profile)
        for batch in 0..<20 {
            try writer.append(books: (0..<100).map { index in
                var book = ExportFixtures.dune()
                book.edition.id = Int64(batch * 100 + index)
                return book
            })
        }
        try writer.finish()
        _ = try run("/usr/bin/env", ["tar", "-xzf", path, "-C", directory.path])
        let raw = try Data(contentsOf: URL(fileURLWithPath: directory.file("archive.json")))
        let archive = try #require(try JSONSerialization.jsonObject(with: raw) as? JSON)

        #expect(raw.count > 1_000_000)
        let books = try #require(archive["books"] as? [JSON])
        #expect(books.map { ($0["edition"] as? JSON)?["id"] as? String } == (0..<2000).map { "https://quire.example/book/\($0)" })
    }
}
