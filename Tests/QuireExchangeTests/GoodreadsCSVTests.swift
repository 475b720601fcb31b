import QuireExchange
import Testing

@Suite struct GoodreadsCSVTests {
    /// The header of a real Goodreads export (Tests/Fixtures/goodreads.csv).
    static let columns = [
        "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating", "Average Rating",
        "Publisher", "Binding", "Number of Pages", "Year Published", "Original Publication Year", "Date Read", "Date Added",
        "Bookshelves", "Bookshelves with positions", "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count",
        "Recommended For", "Recommended By", "Owned Copies", "Original Purchase Date", "Original Purchase Location",
        "Condition", "Condition Description", "BCID",
    ]

    private func written(_ directory: borrowing TemporaryDirectory) throws -> ReadCSV {
        let path = directory.file("goodreads.csv")
        try ExportFixtures.write(.goodreads, to: path)
        return try ReadCSV(path: path)
    }

    @Test func theHeaderIsGoodreadsThirtyOneColumnsAndEachBookOneRow() throws {
        let directory = try TemporaryDirectory()
        let csv = try written(directory)

        #expect(csv.header == Self.columns)
        #expect(csv.rows.map { $0["Book Id"] } == ["44492285", "102", "103", "104"])
        #expect(csv.raw.hasPrefix("Book Id,Title,Author,") && csv.raw.hasSuffix("\n") && !csv.raw.hasSuffix("\r\n"))
    }

    @Test func isbnsAreFormulasDatesSlashedAndRatingsWholeStars() throws {
        let directory = try TemporaryDirectory()
        let rows = try written(directory).rows
        let dune = rows[0]

        #expect(dune["Title"] == ExportFixtures.awkwardTitle + ": Book 2, of 6")
        #expect(dune["Author"] == "Frank Herbert")
        #expect(dune["Author l-f"] == "Herbert, Frank")
        #expect(dune["Additional Authors"] == "Kevin J. Anderson")
        #expect(dune["ISBN"] == "=\"0441172717\"")
        #expect(dune["ISBN13"] == "=\"9780441172719\"")
        #expect(dune["My Rating"] == "2")
        #expect(dune["Publisher"] == "Ace")
        #expect(dune["Binding"] == "Paperback")
        #expect(dune["Number of Pages"] == "331")
        #expect(dune["Year Published"] == "1969")
        #expect(dune["Date Read"] == "2023/06/10")
        #expect(dune["Date Added"] == "2024/03/05")
        #expect(dune["Bookshelves"] == "favourites-2")
        #expect(dune["Exclusive Shelf"] == "read")
        #expect(dune["My Review"] == ExportFixtures.awkwardBody)
        #expect(dune["Spoiler"] == "true")
        #expect(dune["Read Count"] == "2")
        #expect(dune["Owned Copies"] == "0")

        let emile = rows[1]
        #expect(emile["ISBN"] == "=\"\"")
        #expect(emile["ISBN13"] == "=\"\"")
        #expect(emile["My Rating"] == "0")
        #expect(emile["Author l-f"] == "Rousseau, Jean-Jacques")
        #expect(emile["Bookshelves"] == "philosophy")
        #expect(emile["Exclusive Shelf"] == "to-read")
        #expect(emile["Date Read"] == "")
        #expect(emile["Read Count"] == "0")
        #expect(emile["Number of Pages"] == "")

        #expect(rows[2]["Exclusive Shelf"] == "did-not-finish")
        #expect(rows[2]["Bookshelves"] == "did-not-finish")
        #expect(rows[2]["Author"] == "")
        #expect(rows[3]["Exclusive Shelf"] == "currently-reading")
        #expect(rows[3]["My Rating"] == "1")
        #expect(rows[3]["ISBN13"] == "=\"9781526622426\"")
    }

    @Test func bothCSVsCarryTheSameBooks() throws {
        let directory = try TemporaryDirectory()
        let goodreads = try written(directory).rows
        let bookwyrmPath = directory.file("bookwyrm.csv")
        try ExportFixtures.write(.bookwyrmCSV, to: bookwyrmPath)
        let bookwyrm = try ReadCSV(path: bookwyrmPath).rows

        #expect(goodreads.count == bookwyrm.count)
        for (g, b) in zip(goodreads, bookwyrm) {
            #expect(g["Title"]?.hasPrefix(b["title"] ?? "-") == true)
            #expect(g["ISBN13"] == "=\"\(b["isbn_13"] ?? "-")\"")
        }
    }
}
