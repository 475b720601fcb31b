@testable import QuireExchange
import Testing

@Suite struct OpenLibraryImportTests {
    @Test func rowsCarryKeysAndShelvesButNoTitles() throws {
        let file = try ImportFile("Work Id,Edition Id,Bookshelf\nOL45W,OL123M,Already Read\n/works/OL46W,,Want to Read\nOL47W,,Currently Reading\n,,Want to Read\n")

        let rows = try file.rows(.openlibrary)

        let first = try rows[0].requireBook()
        #expect(first.title.isEmpty && first.openlibraryWorkKey == "OL45W" && first.openlibraryEditionKey == "OL123M" && first.defaultShelf == "read")
        #expect(try rows[1].requireBook().openlibraryWorkKey == "OL46W")
        #expect(try rows[1].requireBook().defaultShelf == "to-read")
        #expect(try rows[2].requireBook().defaultShelf == "reading")
        #expect(rows[3].problem == "no title and no ISBN")
    }

    @Test func missingColumnsAreNamed() throws {
        let file = try ImportFile("Work Id,Edition Id\nOL45W,\n")

        #expect(throws: ImportFileError.missingColumns(format: .openlibrary, columns: ["Bookshelf"])) {
            try ImportFiles.open(.openlibrary, path: file.path, limits: ImportLimits(), now: importNow)
        }
    }
}
