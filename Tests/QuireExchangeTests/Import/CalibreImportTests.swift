@testable import QuireExchange
import Testing

@Suite struct CalibreImportTests {
    @Test func halfStarRatingsIdentifiersAndEveryFieldQuoted() throws {
        let file = try ImportFile("""
        "author_sort","authors","comments","cover","formats","id","identifiers","isbn","languages","library_name","pubdate","publisher","rating","series","series_index","size","tags","timestamp","title","uuid"
        "Herbert, Frank","Frank Herbert & Brian Herbert","<p>Sand &amp; worms</p>","","epub","1","isbn:9780441172719,goodreads:44492285,openlibrary:OL26242482M","","eng","Calibre","1965-08-01T00:00:00+00:00","Ace","7","","1.0","1","Fiction, SF","2023-01-15T10:20:30+00:00","Dune","u1"
        "Austen, Jane","Jane Austen","","","epub","2","","0-306-40615-2","eng","Calibre","0101-01-01T00:00:00+00:00","","","","1.0","1","","2023-02-01T00:00:00+00:00","Emma","u2"

        """)
        #expect(try ImportFiles.detect(path: file.path) == .calibre)

        let books = try file.rows(.calibre).map { try $0.requireBook() }

        #expect(books[0].authors == ["Frank Herbert", "Brian Herbert"] && books[0].isbn13 == "9780441172719")
        #expect(books[0].goodreadsKey == "44492285" && books[0].openlibraryEditionKey == "OL26242482M")
        #expect(books[0].rating == 7 && books[0].defaultShelf == "read" && books[0].customShelves.isEmpty)
        #expect(books[0].description == "Sand & worms" && books[0].publishedDate == "1965-08-01")
        #expect(books[0].shelvings.first?.shelvedAt == midnight("2023-01-15"))
        #expect(books[1].isbn13 == "9780306406157" && books[1].publishedDate == nil, "Calibre's year 101 is no date")
        #expect(books[1].defaultShelf == "to-read" && books[1].statuses.isEmpty)
    }
}
