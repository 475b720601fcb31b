import QuireExchange
import Testing

@Suite struct BookWyrmCSVTests {
    static let columns = [
        "title", "author_text", "remote_id", "openlibrary_key", "finna_key", "libris_key", "inventaire_id", "librarything_key",
        "goodreads_key", "bnf_id", "viaf", "wikidata", "asin", "aasin", "isfdb", "isbn_10", "isbn_13", "oclc_number", "pages",
        "start_date", "finish_date", "stopped_date", "rating", "review_name", "review_cw", "review_content", "review_published",
        "shelf", "shelf_name", "shelf_date",
    ]

    private func written(_ directory: borrowing TemporaryDirectory) throws -> ReadCSV {
        let path = directory.file("export.csv")
        try ExportFixtures.write(.bookwyrmCSV, to: path)
        return try ReadCSV(path: path)
    }

    @Test func theHeaderIsBookWyrmsThirtyColumnsAndEachBookOneRow() throws {
        let directory = try TemporaryDirectory()
        let csv = try written(directory)

        #expect(csv.header == Self.columns)
        #expect(csv.rows.map { $0["remote_id"] } == (101...104).map { "https://quire.example/book/\($0)" })
        #expect(csv.rows.map { $0["title"] } == [ExportFixtures.awkwardTitle, "Émile ou De l'éducation", "Ulysses", "Piranesi"])
        #expect(csv.raw.hasPrefix("title,author_text,remote_id,") && csv.raw.hasSuffix("\r\n"))
    }

    @Test func aRowTakesTheLatestReadthroughAndReviewAndTheDefaultShelf() throws {
        let directory = try TemporaryDirectory()
        let dune = try #require(try written(directory).rows.first)

        #expect(dune["author_text"] == "Frank Herbert, Kevin J. Anderson")
        #expect(dune["openlibrary_key"] == "OL26242482M")
        #expect(dune["goodreads_key"] == "44492285")
        #expect(dune["isbn_10"] == "0441172717")
        #expect(dune["isbn_13"] == "9780441172719")
        #expect(dune["pages"] == "331")
        #expect(dune["start_date"] == "2023-05-01")
        #expect(dune["finish_date"] == "2023-06-10")
        #expect(dune["stopped_date"] == "")
        #expect(dune["rating"] == "2.00")
        #expect(dune["review_name"] == "Second, \"thoughts\"")
        #expect(dune["review_cw"] == "spoilers: the ending")
        #expect(dune["review_content"] == ExportFixtures.awkwardBody)
        #expect(dune["review_published"] == "2024-03-05")
        #expect(dune["shelf"] == "read")
        #expect(dune["shelf_name"] == "Read")
        #expect(dune["shelf_date"] == "2024-03-05")
        for column in ["finna_key", "libris_key", "inventaire_id", "librarything_key", "bnf_id", "viaf", "wikidata", "asin", "aasin", "isfdb", "oclc_number"] {
            #expect(dune[column] == "", "\(column) should be empty")
        }
    }

    @Test func emptyFieldsAreEmptyCellsAndACustomShelfStandsAlone() throws {
        let directory = try TemporaryDirectory()
        let rows = try written(directory).rows

        let emile = rows[1]
        #expect(emile["shelf"] == "philosophy")
        #expect(emile["shelf_name"] == "Philosophy")
        #expect(emile["shelf_date"] == "2024-03-07")
        for column in ["isbn_10", "isbn_13", "pages", "start_date", "finish_date", "rating", "review_name", "review_content", "review_published"] {
            #expect(emile[column] == "", "\(column) should be empty")
        }
        let ulysses = rows[2]
        #expect(ulysses["author_text"] == "")
        #expect(ulysses["shelf"] == "stopped-reading")
        #expect(ulysses["shelf_name"] == "Stopped Reading")
        #expect(ulysses["stopped_date"] == "2024-02-02")
        #expect(rows[3]["rating"] == "0.50")
        #expect(rows[3]["shelf"] == "reading")
    }
}
