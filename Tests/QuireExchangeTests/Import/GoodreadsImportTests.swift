import Foundation
@testable import QuireExchange
import Testing

@Suite struct GoodreadsImportTests {
    static let header = "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Recommended For,Recommended By,Owned Copies,Original Purchase Date,Original Purchase Location,Condition,Condition Description,BCID\n"

    /// A row with the columns that matter here, the rest empty.
    static func row(
        title: String = "Piranesi", author: String = "Susanna Clarke", isbn: String = "=\"\"", isbn13: String = "=\"\"", rating: String = "0",
        dateRead: String = "", dateAdded: String = "2021/01/02", shelves: String = "", exclusive: String = "to-read", review: String = "",
        spoiler: String = "", readCount: String = "0"
    ) -> String {
        csvLine([
            "1", title, author, "", "", isbn, isbn13, rating, "", "", "", "", "", "", dateRead, dateAdded, shelves, "", exclusive, review, spoiler,
            "", readCount, "", "", "0", "", "", "", "", "",
        ])
    }

    @Test func theSharedFixtureReadsItsThreeRows() throws {
        let file = try ImportFile(String(contentsOfFile: ImportFixtures.path("goodreads.csv"), encoding: .utf8))
        #expect(try ImportFiles.detect(path: file.path) == .goodreads)

        let rows = try file.rows(.goodreads)

        #expect(rows.map(\.number) == [1, 2, 3])
        let gideon = try rows[0].requireBook()
        #expect(gideon.title == "Gideon the Ninth (The Locked Tomb #1)")
        #expect(gideon.authors == ["Tamsyn Muir"])
        #expect(gideon.isbn13 == "9781250313195" && gideon.isbn10 == "1250313198")
        #expect(gideon.defaultShelf == "read")
        #expect(gideon.rating == 6)
        #expect(gideon.readthroughs == [ImportedReadthrough(finishedOn: "2020-10-25")])
        #expect(gideon.shelvings.first?.shelvedAt == midnight("2020-10-21"))
        #expect(gideon.statuses.first?.createdAt == midnight("2020-10-25"))
        #expect(gideon.pages == 448 && gideon.publisher == "Tor" && gideon.publishedDate == "2019" && gideon.goodreadsKey == "42036538")

        let subcutanean = try rows[1].requireBook()
        #expect(subcutanean.isbn13 == nil && subcutanean.isbn10 == nil)
        #expect(subcutanean.statuses.isEmpty, "a rating of 0 is no rating")

        let patisserie = try rows[2].requireBook()
        #expect(patisserie.authors == ["Mélanie Dupuis", "Anne Cazor"])
        #expect(patisserie.readthroughs.isEmpty)
        #expect(patisserie.statuses.count == 1)
        #expect(patisserie.statuses.first?.body == "mixed feelings")
        #expect(patisserie.statuses.first?.rating == 4)
        #expect(patisserie.statuses.first?.createdAt == midnight("2019-07-08"), "no date read: the date added")
        #expect(rows[2].cells.count == 31 && rows[2].cells[19] == "mixed feelings")
    }

    @Test func exclusiveShelvesMapToDefaultShelvesAndDidNotFinishIsStopped() throws {
        let file = try ImportFile(
            Self.header + Self.row(shelves: "currently-reading, favourites", exclusive: "currently-reading")
                + Self.row(shelves: "did-not-finish, sci-fi", exclusive: "did-not-finish")
                + Self.row(shelves: "owned-unread", exclusive: "owned-unread")
                + Self.row(shelves: "to-read, read", exclusive: "read")
        )

        let books = try file.rows(.goodreads).map { try $0.requireBook() }

        #expect(books[0].defaultShelf == "reading" && books[0].customShelves == ["favourites"])
        #expect(books[1].defaultShelf == "stopped-reading" && books[1].customShelves == ["sci-fi"])
        #expect(books[2].defaultShelf == nil && books[2].customShelves == ["owned-unread"])
        #expect(books[3].defaultShelf == "read" && books[3].customShelves.isEmpty)
    }

    @Test func aReviewWithASpoilerHasAContentWarningAndOneReadThroughWhateverTheReadCount() throws {
        let file = try ImportFile(
            Self.header + Self.row(rating: "5", dateRead: "2022/3/4", exclusive: "read", review: "Line one\nline \"two\"", spoiler: "true", readCount: "3")
        )

        let book = try #require(try file.rows(.goodreads).first).requireBook()

        #expect(book.readthroughs == [ImportedReadthrough(finishedOn: "2022-03-04")])
        #expect(book.statuses == [
            ExchangeStatus(id: 0, kind: .review, body: "Line one\nline \"two\"", rating: 10, contentWarning: "Spoilers", createdAt: midnight("2022-03-04"))
        ])
    }

    @Test func badDatesAndRatingsFailTheRowNamingTheColumn() throws {
        let file = try ImportFile(Self.header + Self.row(dateRead: "2020/13/45") + Self.row(rating: "7") + Self.row(dateAdded: "2021/02/29"))

        let rows = try file.rows(.goodreads)

        #expect(rows.map(\.problem) == [
            "column 'Date Read': '2020/13/45' is not a date", "column 'My Rating': '7' is not a rating from 0 to 5",
            "column 'Date Added': '2021/02/29' is not a date",
        ])
        #expect(rows.allSatisfy { $0.book == nil })
    }

    @Test func invalidISBNsAreLeftOutAndTenDigitOnesConverted() throws {
        let file = try ImportFile(Self.header + Self.row(isbn: "=\"0306406153\"", isbn13: "=\"9780306406158\"") + Self.row(isbn: "=\"0306406152\""))

        let books = try file.rows(.goodreads).map { try $0.requireBook() }

        #expect(books[0].isbn13 == nil && books[0].isbn10 == nil, "both check digits are wrong")
        #expect(books[1].isbn13 == "9780306406157" && books[1].isbn10 == "0306406152")
    }

    @Test func aRowWithNoTitleAndNoISBNFails() throws {
        let file = try ImportFile(Self.header + Self.row(title: "", author: ""))

        let row = try #require(try file.rows(.goodreads).first)

        #expect(row.problem == "no title and no ISBN")
        #expect(row.book == nil)
    }

    @Test func missingRequiredColumnsAreNamed() throws {
        let file = try ImportFile("Book Id,Exclusive Shelf,My Rating\n1,read,3\n")

        #expect(try ImportFiles.detect(path: file.path) == .goodreads)
        #expect(throws: ImportFileError.missingColumns(format: .goodreads, columns: ["Title", "Author"])) {
            try ImportFiles.open(.goodreads, path: file.path, limits: ImportLimits(), now: importNow)
        }
        #expect(ImportFileError.missingColumns(format: .goodreads, columns: ["Title", "Author"]).message == "the goodreads file lacks the columns 'Title', 'Author'")
    }
}
