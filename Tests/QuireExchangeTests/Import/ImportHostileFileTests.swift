import CompressNIO
import Foundation
import NIOCore
@testable import QuireExchange
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
        let tar = try Self.tar(of: ImportFixtures.path("bookwyrm_account_export.tar.gz"))
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
            (.bookwyrm, "archive.json", try Self.archiveJSON(inTar: tar)),
            (.bookwyrm, "bookwyrm.tar", tar),
        ]
    }

    @Test func damagedFilesOfEveryFormatEndInRowsOrAnError() throws {
        var random = SeededRandom(seed: 20_261_207)
        let directory = try TemporaryDirectory()
        var cases = 0, readRows = 0
        for example in try Self.examples() {
            for round in 0..<200 {
                var bytes = example.bytes
                Self.mutate(&bytes, rounds: [1, 1, 2, 4, 16][round % 5], using: &random)
                // The archive's mutations are gzip'd again, so the tar and JSON are what is read;
                // every fifth has its gzip stream damaged instead.
                if example.name.hasSuffix(".tar") {
                    bytes = try Self.gzip(round % 5 == 0 ? example.bytes : bytes)
                    if round % 5 == 0 { Self.mutate(&bytes, rounds: 1 + round % 3, using: &random) }
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
                bytes = try Self.replacingStrings(in: example.bytes, with: field)
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
                bytes = try Self.replacingNumbers(in: example.bytes, with: number)
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
        return Array((header + "\n" + cells.joined(separator: String(separator)) + "\n").utf8)
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

    // MARK: - Mutations

    /// Values that have broken parsers: numbers past every width, dates past the calendar,
    /// separators, quotes, escapes and markup.
    static let tokens: [String] = [
        "", "0", "-0", "-1", "1e308", "-1e308", "1e-308", "NaN", "Infinity", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "99999999999999999999", "4.99999999999999999", "5.5", "11", "2147483648",
        "9999-12-31", "0000-00-00", "2023-02-30", "99999-01-01", "2023/13/45", "-2023-01-01", "+275760-09-13T00:00:00Z",
        "0101-01-01T00:00:00+00:00", "2023-01-01T00:00:00.000|", "2023/02/01-", "-2023/02/01", "\u{0}", "\"", "\"\"", "\r",
        "\n", ",", "\t", "|", ";", "|||;|||", "[", "]", "[]", "{", "}", "{}", "null", "true", "isbn:", "=\"9780441172719\"",
        "978", "97804411727190000", "0-306-40615-X", "X", String(repeating: "9", count: 400), "é", "\u{FEFF}", "\u{FFFD}",
        "<p>", "<", ">", "&amp;", "&#99999999999;", "&#x110000;", "&#xD800;", "&#0;", "&", "\\u0000", "\\ud800", "\\",
        "/works/", "OL", "OL99999999999999999999W", "https://", "../../", "@", "ustar", String(repeating: "<", count: 2000),
    ]

    /// Damages `bytes` in `rounds` random edits: a byte changed, a run deleted or copied
    /// elsewhere, the file cut short, a line repeated, a token replaced by a hostile one.
    static func mutate(_ bytes: inout [UInt8], rounds: Int, using random: inout SeededRandom) {
        for _ in 0..<rounds {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[at] = [0x00, 0xFF, 0x80, 0xC3, 0x22, 0x2C, 0x0A, 0x0D, 0x5C, 0x7B, 0x3C, UInt8.random(in: 0...255, using: &random)]
                    .randomElement(using: &random)!
            case 1:
                bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...600, using: &random)))
            case 2 where !bytes.isEmpty:
                let from = Int.random(in: 0..<bytes.count, using: &random)
                let run = Array(bytes[from..<min(bytes.count, from + Int.random(in: 1...600, using: &random))])
                bytes.insert(contentsOf: run, at: at)
            case 3:
                bytes.removeSubrange(at..<bytes.count)
            case 4 where bytes.count < 32_768:
                // A line repeated: many rows of the same shape (while the file is small: repeated
                // rounds of it would grow the file by powers).
                let start = bytes[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
                let line = Array(bytes[start..<end])
                for _ in 0..<Int.random(in: 1...20, using: &random) { bytes.insert(contentsOf: line, at: end) }
            default:
                // A token between separators replaced by a hostile one.
                let separators: Set<UInt8> = [0x2C, 0x09, 0x0A, 0x22, 0x7C, 0x3B, 0x3A, 0x2F, 0x2D, 0x20, 0x7B, 0x7D, 0x5B, 0x5D, 0x3C, 0x3E]
                let start = bytes[..<at].lastIndex(where: separators.contains).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(where: separators.contains) ?? bytes.count
                bytes.replaceSubrange(start..<max(start, end), with: Array(tokens.randomElement(using: &random)!.utf8))
            }
        }
    }

    // MARK: - Archives

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        return Array(try buffer.compress(with: .gzip()).readableBytesView)
    }

    static func tar(of gzipPath: String) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: gzipPath)))
        return Array(try buffer.decompress(with: .gzip()).readableBytesView)
    }

    /// archive.json's bytes, found in the tar by its ustar header.
    static func archiveJSON(inTar tar: [UInt8]) throws -> [UInt8] {
        var offset = 0
        while offset + 512 <= tar.count {
            let header = tar[offset..<offset + 512]
            let name = String(decoding: header.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
            let size = Int(String(decoding: header.dropFirst(124).prefix(11), as: UTF8.self), radix: 8) ?? 0
            if name.hasSuffix("archive.json") { return Array(tar[offset + 512..<offset + 512 + size]) }
            offset += 512 + (size + 511) / 512 * 512
        }
        throw ImportFileError.malformed("the fixture holds no archive.json")
    }

    /// The JSON with every number value replaced by `number`, written as it is
    /// (JSONSerialization would round it); strings stay, so the entries still decode.
    static func replacingNumbers(in json: [UInt8], with number: String) throws -> [UInt8] {
        let placeholder = "quire-number-placeholder"
        func replace(_ value: Any) -> Any {
            switch value {
            case is Bool: value
            case is NSNumber: placeholder
            case let array as [Any]: array.map(replace)
            case let object as [String: Any]: object.mapValues(replace)
            default: value
            }
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: replace(try JSONSerialization.jsonObject(with: Data(json)))), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\"\(placeholder)\"", with: number).utf8)
    }

    /// The JSON with every string value (not key) replaced by `text`.
    static func replacingStrings(in json: [UInt8], with text: String) throws -> [UInt8] {
        func replace(_ value: Any) -> Any {
            switch value {
            case is String: text
            case let array as [Any]: array.map(replace)
            case let object as [String: Any]: object.mapValues(replace)
            default: value
            }
        }
        return Array(try JSONSerialization.data(withJSONObject: replace(try JSONSerialization.jsonObject(with: Data(json)))))
    }
}

/// SplitMix64: the same seed gives the same files on every machine, so a failure repeats.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
