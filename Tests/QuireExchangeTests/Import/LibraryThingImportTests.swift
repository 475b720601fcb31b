@testable import QuireExchange
import Testing

@Suite struct LibraryThingImportTests {
    static let header = "Book Id\tTitle\tSort Character\tPrimary Author\tPrimary Author Role\tSecondary Author\tDate\tReview\tRating\tPage Count\tDate Started\tDate Read\tTags\tCollections\tISBN\tISBNs\tEntry Date\n"

    @Test func aTabSeparatedLatin1FileWithBracketedISBNsAndShelvesFromDates() throws {
        var bytes = Array(Self.header.utf8)
        // Row 1 in Latin-1: "Les Misérables" by "Hugo, Victor", read.
        bytes += Array("1\tLes Mis".utf8) + [0xE9] + Array("rables\t1\tHugo, Victor\t\t\t1862\tLong.\t4.5\t1463\t2020-01-02\t2020-03-04\tclassics, france\tYour library, Favorites, Book club\t[0140444300]\t0140444300, 9780140444308\t2019-12-25\n".utf8)
        bytes += Array("2\tPiranesi\t1\tClarke, Susanna\t\t\t2020\t\t\t\t2024-05-01\t\t\tCurrently reading\t[]\t\t2024-04-30\n".utf8)
        bytes += Array("3\tEmma\t1\tAusten, Jane\t\t\t1815\t\t\t\t\t\t\tWishlist\t[0306406153]\t\t2024-04-30\n".utf8)
        let file = try ImportFile(bytes: bytes, name: "librarything.tsv")
        #expect(try ImportFiles.detect(path: file.path) == .librarything)

        let books = try file.rows(.librarything).map { try $0.requireBook() }

        #expect(books[0].title == "Les Misérables" && books[0].authors == ["Victor Hugo"])
        #expect(books[0].isbn13 == "9780140444308" && books[0].isbn10 == "0140444300" && books[0].pages == 1463 && books[0].publishedDate == "1862")
        #expect(books[0].defaultShelf == "read" && books[0].customShelves == ["Book club"], "tags are not shelves")
        #expect(books[0].readthroughs == [ImportedReadthrough(startedOn: "2020-01-02", finishedOn: "2020-03-04")])
        #expect(books[0].statuses.first?.rating == 9 && books[0].statuses.first?.body == "Long.")
        #expect(books[0].shelvings.first?.shelvedAt == midnight("2019-12-25"))
        #expect(books[1].defaultShelf == "reading" && books[1].readthroughs == [ImportedReadthrough(startedOn: "2024-05-01")])
        #expect(books[2].defaultShelf == "to-read" && books[2].customShelves.isEmpty && books[2].isbn13 == nil)
    }
}
