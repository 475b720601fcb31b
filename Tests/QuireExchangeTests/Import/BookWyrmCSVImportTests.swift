@testable import QuireExchange
import Testing

@Suite struct BookWyrmCSVImportTests {
    /// BookWyrm's older export: 27 columns, without finna_key, libris_key and pages.
    static let olderColumns = BookWyrmCSV.columns.filter { !["finna_key", "libris_key", "pages"].contains($0) }

    @Test func anOlder27ColumnFileReads() throws {
        #expect(Self.olderColumns.count == 27)
        let values: [String: String] = [
            "title": "Piranesi", "author_text": "Susanna Clarke", "openlibrary_key": "OL28006413M", "isbn_13": "9781526622426", "start_date": "2024-03-01",
            "rating": "4.50", "review_name": "Early", "review_content": "Strange.", "review_published": "2024-03-10", "shelf": "reading",
            "shelf_name": "Currently Reading", "shelf_date": "2024-03-01",
        ]
        let file = try ImportFile(csvLine(Self.olderColumns) + csvLine(Self.olderColumns.map { values[$0] ?? "" }))
        #expect(try ImportFiles.detect(path: file.path) == .bookwyrmCSV)

        let book = try #require(try file.rows(.bookwyrmCSV).first).requireBook()

        #expect(book.title == "Piranesi" && book.openlibraryEditionKey == "OL28006413M" && book.isbn13 == "9781526622426")
        #expect(book.defaultShelf == "reading" && book.shelvings.first?.shelvedAt == midnight("2024-03-01"))
        #expect(book.readthroughs == [ImportedReadthrough(startedOn: "2024-03-01")])
        #expect(book.statuses == [ExchangeStatus(id: 0, kind: .review, title: "Early", body: "Strange.", rating: 9, createdAt: midnight("2024-03-10"))])
    }

    @Test func aRatingAloneIsAReviewWithAnEmptyBodyDatedByTheFinish() throws {
        let columns = ["title", "author_text", "finish_date", "rating", "shelf", "shelf_name"]
        let file = try ImportFile(csvLine(columns) + csvLine(["Emma", "Jane Austen", "2020-05-06", "3.00", "classics", "Classics"]))

        let book = try #require(try file.rows(.bookwyrmCSV).first).requireBook()

        #expect(book.statuses == [ExchangeStatus(id: 0, kind: .review, rating: 6, createdAt: midnight("2020-05-06"))])
        #expect(book.customShelves == ["Classics"] && book.defaultShelf == nil)
    }
}
