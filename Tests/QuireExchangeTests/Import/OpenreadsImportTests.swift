@testable import QuireExchange
import Testing

@Suite struct OpenreadsImportTests {
    static let header = "title,subtitle,author,description,status,favourite,deleted,rating,pages,publisher,publication_year,isbn,olid,tags,my_review,notes,book_format,readings,date_added,date_modified\n"

    @Test func statusesRatingsReadingsTagsAndMultiLineFields() throws {
        let file = try ImportFile(
            Self.header
                + "Dune,,Frank Herbert,\"A desert\nplanet\",finished,true,false,4.5,412,Ace,1965,9780441172719,OL893526W,sf|||||favourites,\"Loved it,\nreally\",,paperback,2023-01-01T00:00:00.000|2023-02-01T00:00:00.000|;|2024-05-01T00:00:00.000|,2022-12-25T10:00:00.000,2024-05-01T00:00:00.000\n"
                + "Ulysses,,James Joyce,,abandoned,false,false,,,,,,,,,,,2024-01-01T00:00:00.000|2024-02-02T00:00:00.000|,2023-12-01T00:00:00.000,\n"
                + "Emma,,Jane Austen,,planned,false,true,,,,,,,,,,,,2023-12-01T00:00:00.000,\n"
                + "Old,,Someone,,finished,false,false,35,,,,,,,,,,,2023-12-01T00:00:00.000,\n"
        )
        #expect(try ImportFiles.detect(path: file.path) == .openreads)

        let rows = try file.rows(.openreads)

        let dune = try rows[0].requireBook()
        #expect(dune.defaultShelf == "read" && dune.customShelves == ["sf", "favourites"] && dune.openlibraryWorkKey == "OL893526W")
        #expect(dune.description == "A desert\nplanet" && dune.pages == 412 && dune.publishedDate == "1965" && dune.physicalFormat == "paperback")
        #expect(dune.readthroughs == [ImportedReadthrough(startedOn: "2023-01-01", finishedOn: "2023-02-01"), ImportedReadthrough(finishedOn: "2024-05-01")])
        #expect(dune.statuses.first?.rating == 9 && dune.statuses.first?.body == "Loved it,\nreally")
        #expect(dune.shelvings.first?.shelvedAt == midnight("2022-12-25"))
        let ulysses = try rows[1].requireBook()
        #expect(ulysses.defaultShelf == "stopped-reading" && ulysses.readthroughs == [ImportedReadthrough(startedOn: "2024-01-01", stoppedOn: "2024-02-02")])
        #expect(rows[2].problem == "the book is in Openreads' deleted books")
        #expect(try rows[3].requireBook().rating == 7, "older files' tenths of stars")
    }
}
