import Foundation
@testable import QuireExchange
import QuireStore
import TestSupport
import Testing

/// An uploaded file is read by the job worker inside `quire serve`: a trap there stops the
/// server, and the import's retry would stop it again after every restart; a read that grows
/// faster than its file holds a worker for hours. So every format's reader is given damaged
/// files, mutated from real ones at random (seeded, so a failure repeats), and fields built to
/// make a parser work hard; each must end in rows or an `ImportFileError`, and soon.
@Suite struct ImportHostileFileTests {
    /// One example of each format, as its service writes it.
    static func examples() throws -> [(format: ImportFormat, name: String, bytes: [UInt8])] {
        let goodreads = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ImportFixtures.path("goodreads.csv"))))
        let tar = try FileMutation.tar(of: ImportFixtures.path("bookwyrm_account_export.tar.gz"))
        return [
            (.goodreads, "goodreads.csv", goodreads),
            (.storygraph, "storygraph.csv", Array((StoryGraphImportTests.header
                + StoryGraphImportTests.row("Ancillary Justice", isbn: "9780316246620", status: "read", dates: "2023/02/01-2023/03/04, 2021/05/06", rating: "4.25", review: "<p>Great</p>", tags: "sci-fi, space")
                + StoryGraphImportTests.row("Provenance", isbn: "SG-1234", status: "did-not-finish", last: "2023/06/07")).utf8)),
            (.librarything, "librarything.tsv", Array((LibraryThingImportTests.header
                + "1\tLes Misérables\t1\tHugo, Victor\t\t\t1862\tLong.\t4.5\t1463\t2020-01-02\t2020-03-04\tclassics, france\tYour library, Favorites\t[0140444300]\t0140444300, 9780140444308\t2019-12-25\n").utf8)),
            (.openlibrary, "openlibrary.csv", Array("Work Id,Edition Id,Bookshelf\nOL45W,OL123M,Already Read\n/works/OL46W,,Want to Read\n".utf8)),
            (.calibre, "calibre.csv", Array("""
                "author_sort","authors","comments","cover","formats","id","identifiers","isbn","languages","library_name","pubdate","publisher","rating","series","series_index","size","tags","timestamp","title","uuid"
                "Herbert, Frank","Frank Herbert & Brian Herbert","<p>Sand &amp; worms&#233;</p>","","epub","1","isbn:9780441172719,goodreads:44492285,openlibrary:OL26242482M","","eng","Calibre","1965-08-01T00:00:00+00:00","Ace","7","","1.0","1","Fiction, SF","2023-01-15T10:20:30+00:00","Dune","u1"

                """.utf8)),
            (.openreads, "openreads.csv", Array((OpenreadsImportTests.header
                + "Dune,,Frank Herbert,\"A desert\nplanet\",finished,true,false,4.5,412,Ace,1965,9780441172719,OL893526W,sf|||||favourites,\"Loved it\",,paperback,2023-01-01T00:00:00.000|2023-02-01T00:00:00.000|;|2024-05-01T00:00:00.000|,2022-12-25T10:00:00.000,2024-05-01T00:00:00.000\n").utf8)),
            (.bookwyrmCSV, "bookwyrm.csv", Array((csvLine(BookWyrmCSV.columns)
                + csvLine(BookWyrmCSV.columns.map { ["title": "Emma", "author_text": "Jane Austen", "rating": "3.00", "start_date": "2020-05-06", "isbn_13": "9780306406157"][$0] ?? "x" })).utf8)),
            (.bookwyrm, "archive.json", try FileMutation.archiveJSON(inTar: tar)),
            (.bookwyrm, "bookwyrm.tar", tar),
        ]
    }

    @Test func damagedFilesOfEveryFormatEndInRowsOrAnError() throws {
        var random = SeedRandom(seed: 20_261_207)
        let directory = try TemporaryDirectory()
        var cases = 0, readRows = 0
        for example in try Self.examples() {
            for round in 0..<200 {
                var bytes = example.bytes
                FileMutation.mutate(&bytes, rounds: [1, 1, 2, 4, 16][round % 5], using: &random)
                // The archive's mutations are gzip'd again, so the tar and JSON are what is read;
                // every fifth has its gzip stream damaged instead.
                if example.name.hasSuffix(".tar") {
                    bytes = try FileMutation.gzip(round % 5 == 0 ? example.bytes : bytes)
                    if round % 5 == 0 { FileMutation.mutate(&bytes, rounds: 1 + round % 3, using: &random) }
                }
                let path = directory.file("\(cases)-\(example.name)")
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                readRows += Self.readEveryWay(path: path, format: example.format)
                cases += 1
            }
        }
        // Not every damaged file reads; enough do that the rows themselves were exercised.
        #expect(cases == 1_800 && readRows > 1_500, "\(cases) files, \(readRows) rows read")
    }

    /// A field of one character a parser treats specially, as long as the field limit lets a
    /// test afford: each format's every column holding it. Read in linear time this is a
    /// fraction of a second a file; the quadratic reading of a "<" in a Calibre comment (each
    /// "<" looked for its ">" to the end) took 28 s for 40,000 of them in a release build.
    @Test(arguments: ["<", "&", "&#", "\"", ",", "|", ";", "-", "/", " ", "[", "\\", "=", ":", "\n", "0", "é"])
    func aLongFieldOfOneSpecialCharacterReadsInLinearTime(character: String) throws {
        let directory = try TemporaryDirectory()
        let field = String(repeating: character, count: 32_768 / character.utf8.count)
        for example in try Self.examples() where example.name != "bookwyrm.tar" {
            let bytes: [UInt8]
            if example.format == .bookwyrm {
                bytes = try FileMutation.replacingStrings(in: example.bytes, with: field)
            } else {
                bytes = Self.oneRow(like: example) { separator in
                    separator == "\t" ? field.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
                        : "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
            }
            let path = directory.file(example.name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let started = ContinuousClock.now
            _ = Self.readEveryWay(path: path, format: example.format)
            let took = ContinuousClock.now - started
            #expect(took < .seconds(20), "\(example.format.rawValue), every field \(character.debugDescription) x \(field.count): \(took)")
        }
    }

    /// Every value of every format's example (archive.json: every number) the same number, past
    /// every width a parser might convert it to. A review's rating of 1e19 in archive.json
    /// trapped in `Int()`: the server stopped, and again after each restart, the import's job
    /// being retried.
    @Test(arguments: ["1e19", "-1e19", "1e308", "-1e308", "9223372036854775808", "-9223372036854775809", "99999999999", "-1", "0",
                      "1e-308", "5.000000001", "4.75", "0.25"])
    func aHostileNumberInEveryFieldEndsInRowsOrAnError(number: String) throws {
        let directory = try TemporaryDirectory()
        for example in try Self.examples() where example.name != "bookwyrm.tar" {
            let bytes: [UInt8]
            if example.format == .bookwyrm {
                bytes = try FileMutation.replacingNumbers(in: example.bytes, with: number)
            } else {
                bytes = Self.oneRow(like: example) { _ in number }
            }
            let path = directory.file(example.name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(Self.readEveryWay(path: path, format: example.format) > 0, "\(example.name): no row read")
        }
    }

    /// A table example's header and one row of it, every cell `cell(separator)`.
    static func oneRow(like example: (format: ImportFormat, name: String, bytes: [UInt8]), cell: (Character) -> String) -> [UInt8] {
        let separator: Character = example.format == .librarything ? "\t" : ","
        let header = String(decoding: example.bytes, as: UTF8.self).split(separator: "\n", maxSplits: 1)[0]
        let cells = header.split(separator: separator, omittingEmptySubsequences: false).map { _ in cell(separator) }
        return Array((String(header) + "\n" + cells.joined(separator: String(separator)) + "\n").utf8)
    }

    // MARK: - Reading

    /// Detects the file's format and reads it as that and as `format`, to the end and by
    /// counting, as an import does; returns the rows read. An error is an answer; only a trap
    /// (which stops this test process) or a hang fails.
    static func readEveryWay(path: String, format: ImportFormat) -> Int {
        var rows = 0
        var formats = [format]
        if let detected = try? ImportFiles.detect(path: path), detected != format { formats.append(detected) }
        for format in formats {
            if let reader = try? ImportFiles.open(format, path: path, limits: ImportLimits(), now: importNow) {
                while let row = try? reader.next() {
                    rows += 1
                    _ = row.book?.statuses.count
                }
                _ = reader.account
            }
            if let reader = try? ImportFiles.open(format, path: path, limits: ImportLimits(), now: importNow) {
                _ = try? reader.countRemaining()
            }
        }
        return rows
    }
}
