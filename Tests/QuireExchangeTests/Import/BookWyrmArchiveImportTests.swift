import Foundation
@testable import QuireExchange
import QuireCore
import Testing

@Suite struct BookWyrmArchiveImportTests {
    static let fixture = ImportFixtures.path("bookwyrm_account_export.tar.gz")

    /// A gzip'd tar of the named contents, in order, written by the export's own tar writer.
    static func archive(_ entries: [(String, String)], in directory: borrowing TemporaryDirectory) throws -> String {
        let path = directory.file("archive.tar.gz")
        let out = try BufferedFileWriter(path: path)
        let tar = try GzipTarWriter(out: out)
        for (index, (name, contents)) in entries.enumerated() {
            let source = directory.file("entry\(index)")
            try Data(contents.utf8).write(to: URL(fileURLWithPath: source))
            try tar.addFile(named: name, from: source, modified: 0)
        }
        try tar.finish()
        try out.close()
        return path
    }

    static let oneBook = #"{"name": "Reader", "books": [{"edition": {"title": "Dune", "isbn13": "9780441172719"}, "authors": [{"name": "Frank Herbert"}]}], "follows": [], "blocks": []}"#

    @Test func theFixtureArchiveRestoresBooksShelvesReadThroughsStatusesAndTheAccount() throws {
        // A copy: archive.json is unpacked beside the file read.
        let file = try ImportFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture))), name: "export.tar.gz")

        let (rows, reader) = try file.read(.bookwyrm)

        #expect(rows.count == 2)
        let seeing = try rows[0].requireBook()
        #expect(seeing.title == "Seeking Like A State" && seeing.authors == ["James C. Scott"])
        #expect(seeing.isbn13 == "9780300070163" && seeing.openlibraryEditionKey == "OL680025M")
        #expect(seeing.shelvings == [ImportedShelving(defaultShelf: .read), ImportedShelving(defaultShelf: .toRead)])
        #expect(seeing.readthroughs == [ImportedReadthrough(startedOn: "2018-01-01", finishedOn: "2023-08-13")])
        #expect(seeing.privacyFromFile)
        #expect(seeing.statuses == [
            ExchangeStatus(
                id: 0, kind: .review, title: "great book", body: "I like it", rating: 10, contentWarning: "Here's a spoiler alert", privacy: .public,
                createdAt: try #require(ImportDate.timestamp("2023-08-14T04:09:18.343Z"))
            )
        ])
        let sand = try rows[1].requireBook()
        #expect(sand.subtitle == "How Indigenous Thinking Can Save the World" && sand.physicalFormat == "paperback")
        #expect(sand.statuses.map(\.kind) == [.comment, .quotation], "oldest first")
        #expect(sand.statuses[1].quote == "To be or not to be" && sand.statuses[1].contentWarning == "spoiler ahead!")
        #expect(rows[1].cells.prefix(2) == ["Sand Talk", "Tyson Yunkaporta"])
        #expect(reader.header == ArchiveBookMapping.header)

        let account = try #require(reader.account)
        #expect(account.displayName == "Rat" && account.summary == "I love to make soup in Paris and eat pizza in New York")
        #expect(account.manuallyApprovesFollowers == true && account.defaultPrivacy == "followers")
        #expect(account.follows == ["https://your.domain.here:4242/user/rat"] && account.blocks == ["https://your.domain.here:4242/user/badger"])
    }

    @Test func theUnpackedArchiveJSONIsRemovedWithTheReader() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.archive([("archive.json", Self.oneBook)], in: directory)
        do {
            let reader = try ImportFiles.open(.bookwyrm, path: path, limits: ImportLimits(), now: importNow)
            #expect(directory.contents.contains("archive.tar.gz.archive.json.import"))
            _ = try reader.next()
        }
        #expect(!directory.contents.contains("archive.tar.gz.archive.json.import"))
    }

    @Test(arguments: ["../archive.json", "/archive.json", "covers/../../archive.json"])
    func entriesOutsideTheArchiveAreIgnored(name: String) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.archive([(name, Self.oneBook)], in: directory)

        #expect(throws: ImportFileError.malformed("the archive holds no archive.json; is it BookWyrm's account export?")) {
            try ImportFiles.open(.bookwyrm, path: path, limits: ImportLimits(), now: importNow)
        }
    }

    @Test func anArchivePastItsEntryOrByteLimitIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.archive([("covers/a.jpg", "x"), ("covers/b.jpg", "y"), ("archive.json", Self.oneBook)], in: directory)

        #expect(throws: ImportFileError.tooLarge("the archive has more than 2 entries, the limit")) {
            try ImportFiles.open(.bookwyrm, path: path, limits: ImportLimits(maxArchiveEntries: 2), now: importNow)
        }
        let big = try Self.archive([("avatar.png", String(repeating: "0", count: 300_000)), ("archive.json", Self.oneBook)], in: directory)
        #expect(throws: ImportFileError.tooLarge("the archive expands to more than 200000 bytes, the limit")) {
            try ImportFiles.open(.bookwyrm, path: big, limits: ImportLimits(maxExpandedBytes: 200_000), now: importNow)
        }
        #expect(try ImportFiles.open(.bookwyrm, path: path, limits: ImportLimits(maxArchiveEntries: 3), now: importNow).next() != nil)
    }

    @Test func aFileThatIsNotGzipOrTarIsMalformed() throws {
        let notGzip = try ImportFile(bytes: [0x1F, 0x8B, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9], name: "x.tar.gz")
        #expect(throws: ImportFileError.self) { try ImportFiles.open(.bookwyrm, path: notGzip.path, limits: ImportLimits(), now: importNow) }
    }

    @Test(arguments: [
        ("[1, 2]", "archive.json is not a JSON object, so not BookWyrm's account export"),
        (#"{"name": "x"}"#, "archive.json is not BookWyrm's account export: there is no 'books' list"),
        (#"{"books": {"title": "Dune"}}"#, "archive.json is not BookWyrm's account export: 'books' is not a list"),
        (#"{"books": [], "follows": "alice"}"#, "archive.json is not BookWyrm's account export: 'follows' is not a list"),
        (#"{"settings": [], "books": []}"#, "archive.json is not BookWyrm's account export: 'settings' is not what BookWyrm writes"),
    ])
    func jsonOfTheWrongShapeIsMalformedSayingWhat(json: String, message: String) throws {
        let file = try ImportFile(json, name: "archive.json")

        #expect(throws: ImportFileError.malformed(message)) { _ = try file.rows(.bookwyrm) }
    }

    @Test func truncatedJSONIsMalformed() throws {
        let file = try ImportFile(#"{"books": [{"edition": {"title": "Du"#, name: "archive.json")

        #expect(throws: ImportFileError.self) { _ = try file.rows(.bookwyrm) }
    }

    @Test func aBadBookFailsItsRowOnly() throws {
        let json = #"{"books": [{"edition": {"title": "Dune", "pages": "many"}}, {"edition": {}}, {"edition": {"title": "Emma"}}]}"#

        let rows = try ImportFile(json, name: "archive.json").rows(.bookwyrm)

        #expect(rows.map(\.problem) == ["the book's entry is not what BookWyrm writes", "no title and no ISBN", nil])
        #expect(rows[0].cells.first == "Dune")
    }

    @Test func aTextOverTheFieldLimitFailsItsBook() throws {
        let long = String(repeating: "x", count: 2000)
        let json = #"{"books": [{"edition": {"title": "Dune", "description": "\#(long)"}}, {"edition": {"title": "Emma"}}]}"#

        let rows = try ImportFile(json, name: "archive.json").rows(.bookwyrm, limits: ImportLimits(maxFieldBytes: 1024))

        #expect(rows.map(\.problem) == ["a text of the book is longer than 1 KiB", nil])
    }
}
