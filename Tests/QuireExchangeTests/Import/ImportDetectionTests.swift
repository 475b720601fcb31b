import Foundation
@testable import QuireExchange
import Testing

@Suite struct ImportDetectionTests {
    static let headers: [(String, ImportFormat)] = [
        ("Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Exclusive Shelf\n", .goodreads),
        ("Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,Star Rating,Review,Tags,Owned?\n", .storygraph),
        ("Book Id\tTitle\tSort Character\tPrimary Author\tISBN\tISBNs\tRating\tReview\tEntry Date\tDate Started\tDate Read\tTags\tCollections\n", .librarything),
        ("Work Id,Edition Id,Bookshelf\n", .openlibrary),
        ("\"author_sort\",\"authors\",\"comments\",\"id\",\"identifiers\",\"isbn\",\"rating\",\"tags\",\"timestamp\",\"title\"\n", .calibre),
        ("title,subtitle,author,description,status,favourite,deleted,rating,pages,publisher,publication_year,isbn,olid,tags,my_review,notes,book_format,readings,date_added,date_modified\n", .openreads),
        (BookWyrmCSV.columns.joined(separator: ",") + "\n", .bookwyrmCSV),
    ]

    @Test func everyTableFormatIsRecognisedByItsHeader() throws {
        for (header, format) in Self.headers {
            let file = try ImportFile(header)
            #expect(try ImportFiles.detect(path: file.path) == format, "\(header)")
        }
    }

    @Test func anArchiveIsRecognisedByGzipAndArchiveJSONByItsObject() throws {
        let directory = try TemporaryDirectory()
        try ExportFixtures.write(.bookwyrm, to: directory.file("export.tar.gz"))
        #expect(try ImportFiles.detect(path: directory.file("export.tar.gz")) == .bookwyrm)
        let json = try ImportFile("\u{FEFF}  {\"books\": []}")
        #expect(try ImportFiles.detect(path: json.path) == .bookwyrm)
    }

    @Test func anythingElseIsUnrecognisedNamingTheFormats() throws {
        let file = try ImportFile("name,colour\nDune,orange\n")

        #expect(throws: ImportFileError.unrecognised) { try ImportFiles.detect(path: file.path) }
        #expect(ImportFileError.unrecognised.message.hasSuffix("goodreads, storygraph, librarything, openlibrary, calibre, openreads, bookwyrm-csv, bookwyrm"))
    }
}
