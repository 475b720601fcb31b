import Foundation
@testable import QuireExchange
import QuireCore
import Testing

/// Quire's export, in each format it writes, read back by the import readers: what the format
/// holds comes back.
@Suite struct ImportRoundTripTests {
    static func exported(_ format: ExportFormat, in directory: borrowing TemporaryDirectory) throws -> [ImportedBook] {
        let path = directory.file("export.\(format.fileExtension)")
        try ExportFixtures.write(format, to: path)
        let importFormat = try ImportFiles.detect(path: path)
        #expect(importFormat.rawValue == format.rawValue)
        let reader = try ImportFiles.open(importFormat, path: path, limits: ImportLimits(), now: importNow)
        var books: [ImportedBook] = []
        while let row = try reader.next() { books.append(try row.requireBook()) }
        return books
    }

    @Test func goodreadsKeepsShelvesRatingsReviewsAndTheLastReadThrough() throws {
        let books = try Self.exported(.goodreads, in: TemporaryDirectory())

        #expect(books.count == 4)
        let dune = books[0]
        #expect(dune.title == ExportFixtures.awkwardTitle + ": Book 2, of 6")
        #expect(dune.authors == ["Frank Herbert", "Kevin J. Anderson"])
        #expect(dune.isbn13 == "9780441172719" && dune.isbn10 == "0441172717")
        #expect(dune.defaultShelf == "read" && dune.customShelves == ["favourites-2"])
        #expect(dune.readthroughs == [ImportedReadthrough(finishedOn: "2023-06-10")])
        #expect(dune.statuses.count == 1)
        #expect(dune.statuses.first?.body == ExportFixtures.awkwardBody)
        #expect(dune.statuses.first?.rating == 4)
        #expect(dune.statuses.first?.contentWarning != nil)
        #expect(books[1].defaultShelf == "to-read" && books[1].customShelves == ["philosophy"])
        #expect(books[2].defaultShelf == "stopped-reading" && books[2].customShelves.isEmpty, "did-not-finish is the stopped shelf, not a custom one")
        #expect(books[3].defaultShelf == "reading" && books[3].rating == 2, "half a star is written as one star")
    }

    @Test func bookwyrmCSVKeepsTheShelfTheLatestReadThroughAndTheNewestReview() throws {
        let books = try Self.exported(.bookwyrmCSV, in: TemporaryDirectory())

        #expect(books.count == 4)
        let dune = books[0]
        #expect(dune.title == ExportFixtures.awkwardTitle && dune.authors == ["Frank Herbert", "Kevin J. Anderson"])
        #expect(dune.openlibraryEditionKey == "OL26242482M" && dune.goodreadsKey == "44492285" && dune.pages == 331)
        #expect(dune.defaultShelf == "read" && dune.shelvings.first?.shelvedAt == midnight("2024-03-05"))
        #expect(dune.readthroughs == [ImportedReadthrough(startedOn: "2023-05-01", finishedOn: "2023-06-10")])
        #expect(dune.statuses == [
            ExchangeStatus(
                id: 0, kind: .review, title: "Second, \"thoughts\"", body: ExportFixtures.awkwardBody, rating: 4, contentWarning: "spoilers: the ending",
                createdAt: midnight("2024-03-05")
            )
        ])
        #expect(books[1].customShelves == ["Philosophy"] && books[1].defaultShelf == nil)
        #expect(books[2].defaultShelf == "stopped-reading" && books[2].readthroughs == [ImportedReadthrough(startedOn: "2024-01-01", stoppedOn: "2024-02-02")])
        #expect(books[3].rating == 1 && books[3].statuses.first?.body == "Strange.")
    }

    @Test func theArchiveKeepsEveryShelfReadThroughAndStatusWithItsPrivacyAndTheAccount() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("export.tar.gz")
        try ExportFixtures.write(.bookwyrm, to: path)
        let reader = try ImportFiles.open(.bookwyrm, path: path, limits: ImportLimits(), now: importNow)
        var books: [ImportedBook] = []
        while let row = try reader.next() { books.append(try row.requireBook()) }

        #expect(books.count == 4)
        for (book, original) in zip(books, ExportFixtures.books) {
            #expect(book.title == original.edition.title && book.subtitle == original.edition.subtitle)
            #expect(book.authors == original.authors.map(\.name))
            #expect(book.readthroughs == original.readthroughs.map {
                ImportedReadthrough(startedOn: $0.startedOn, finishedOn: $0.finishedOn, stoppedOn: $0.stoppedOn)
            })
            #expect(book.statuses == original.statuses.map {
                var status = $0
                status.id = 0
                // BookWyrm positions are numbers: "chapter 18" has none.
                if status.position == "chapter 18" { status.position = nil }
                return status
            })
            #expect(book.shelvings.map { $0.defaultShelf?.rawValue ?? $0.customName ?? "" } == original.shelvings.map {
                $0.defaultShelf?.rawValue ?? $0.name
            })
        }
        #expect(books[0].shelvings[1].privacy == "private" && books[1].shelvings[0].privacy == "followers")
        #expect(books[0].isbn13 == "9780441172719" && books[0].openlibraryWorkKey == "OL893526W" && books[0].publisher == "Ace")
        #expect(books[0].description == "A desert planet." && books[0].publishedDate == "1969-10")
        let account = try #require(reader.account)
        #expect(account.displayName == ExportFixtures.profile.displayName && account.summary == ExportFixtures.profile.summary)
        #expect(account.manuallyApprovesFollowers == true && account.defaultPrivacy == "followers")
        #expect(account.follows == ["https://quire.example/user/alice", "https://quire.example/user/bob_2"])
        #expect(account.blocks == ["https://quire.example/user/mallory"])
        #expect(account.shelves.map(\.customName) == ["Favourites, \"best\"", "Philosophy"])
    }
}
