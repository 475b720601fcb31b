import Foundation
@testable import QuireExchange
import Testing

/// Encodings, quoting and sizes a CSV or TSV file can get wrong, read through the Goodreads
/// reader (the tokenizer and decoding are the same for every table format).
@Suite struct DelimitedInputTests {
    static let header = "Title,Author,Exclusive Shelf,My Review\n"

    @Test func aUTF8ByteOrderMarkIsNotPartOfTheFirstColumn() throws {
        let file = try ImportFile(bytes: [0xEF, 0xBB, 0xBF] + Array((Self.header + "Dune,Frank Herbert,read,\n").utf8))

        let (rows, reader) = try file.read(.goodreads)

        #expect(reader.header.first == "Title")
        #expect(try rows[0].requireBook().title == "Dune")
    }

    @Test func latin1AndWindows1252AndMixedFilesDecodePerField() throws {
        // "Émile" in Latin-1, a Windows-1252 curly apostrophe and euro sign, then a UTF-8 row.
        var bytes = Array(Self.header.utf8)
        bytes += [0xC9] + Array("mile,Jean-Jacques Rousseau,read,".utf8) + [0x93] + Array("Bien".utf8) + [0x94, 0x20, 0x80, 0x0A]
        bytes += Array("Les Misérables,Victor Hugo,read,très\n".utf8)

        let books = try ImportFile(bytes: bytes).rows(.goodreads).map { try $0.requireBook() }

        #expect(books[0].title == "Émile")
        #expect(books[0].statuses.first?.body == "“Bien” €")
        #expect(books[1].title == "Les Misérables")
        #expect(books[1].statuses.first?.body == "très")
    }

    @Test func utf16WithAByteOrderMarkIsRead() throws {
        let text = Self.header + "Ça,Stephen King,read,\n"
        let littleEndian: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let file = try ImportFile(bytes: littleEndian)

        #expect(try ImportFiles.detect(path: file.path) == .goodreads)
        #expect(try file.rows(.goodreads).map { try $0.requireBook().title } == ["Ça"])
        #expect(file.directory.contents == ["import.csv"], "the UTF-8 working copy is removed")
    }

    @Test func quotedFieldsSpanLinesAndCRLFAndDoubledQuotesRead() throws {
        let file = try ImportFile(Self.header.replacingOccurrences(of: "\n", with: "\r\n") + "\"Dune, \"\"Messiah\"\"\",Frank Herbert,read,\"one\r\ntwo\"\r\nEmma,Jane Austen,read,\r\n")

        let books = try file.rows(.goodreads).map { try $0.requireBook() }

        #expect(books.map(\.title) == ["Dune, \"Messiah\"", "Emma"])
        #expect(books[0].statuses.first?.body == "one\r\ntwo")
    }

    @Test func anUnclosedQuoteFailsItsRowAndReadingResumesOnTheNextLine() throws {
        let file = try ImportFile(Self.header + "Dune,Frank Herbert,read,\"never closed\nEmma,Jane Austen,read,\nWalden,Thoreau,to-read,\n")

        let rows = try file.rows(.goodreads)

        #expect(rows.map(\.number) == [1, 2, 3])
        #expect(rows[0].problem == "column 'My Review' opens a quote that is never closed")
        #expect(try rows[1].requireBook().title == "Emma")
        #expect(try rows[2].requireBook().title == "Walden")
    }

    @Test func aRowOfTheWrongWidthFails() throws {
        let file = try ImportFile(Self.header + "Dune,Frank Herbert,read,,extra\nEmma,Jane Austen\n")

        let rows = try file.rows(.goodreads)

        #expect(rows[0].problem == "the row has 5 cells where the header has 4 (a quote or a delimiter out of place?)")
        #expect(rows[1].problem == "the row has 2 cells where the header has 4 (a quote or a delimiter out of place?)")
    }

    @Test(arguments: [false, true])
    func aFieldOverTheLimitFailsItsRowNamingTheColumn(quoted: Bool) throws {
        let long = String(repeating: "x", count: (1 << 20) + 10)
        let cell = quoted ? "\"\(long), still\"" : long
        let file = try ImportFile(Self.header + "Dune,Frank Herbert,read,\(cell)\nEmma,Jane Austen,read,\n")

        let rows = try file.rows(.goodreads)

        #expect(rows.count == 2)
        #expect(rows[0].problem == "column 'My Review' is longer than 1 MiB")
        #expect(rows[0].cells[3].utf8.count <= 1 << 20)
        #expect(try rows[1].requireBook().title == "Emma")
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\n  \n"])
    func anEmptyFileIsRefused(text: String) throws {
        let file = try ImportFile(text)

        #expect(throws: ImportFileError.empty) { try ImportFiles.detect(path: file.path) }
        #expect(throws: ImportFileError.empty) { try ImportFiles.open(.goodreads, path: file.path, limits: ImportLimits(), now: importNow) }
    }

    @Test func aHeaderWithoutRowsHasNoRowsAndBlankLinesAreNoRows() throws {
        #expect(try ImportFile(Self.header).rows(.goodreads).isEmpty)
        let rows = try ImportFile(Self.header + "\nDune,Frank Herbert,read,\n\n").rows(.goodreads)
        #expect(rows.map(\.number) == [1])
    }

    @Test func aTabSeparatedFileIsReadByItsHeader() throws {
        let file = try ImportFile("Title\tAuthor\tExclusive Shelf\tMy Review\nDune, again\tFrank Herbert\tread\t\n")

        #expect(try file.rows(.goodreads).map { try $0.requireBook().title } == ["Dune, again"])
    }
}
