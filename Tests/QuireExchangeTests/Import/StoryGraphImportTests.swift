@testable import QuireExchange
import Testing

@Suite struct StoryGraphImportTests {
    static let header = "Title,Authors,Contributors,ISBN/UID,Format,Read Status,Date Added,Last Date Read,Dates Read,Read Count,Moods,Pace,Character- or Plot-Driven?,Strong Character Development?,Loveable Characters?,Diverse Characters?,Flawed Characters?,Star Rating,Review,Content Warnings,Content Warning Description,Tags,Owned?\n"

    static func row(_ title: String, isbn: String = "", status: String, added: String = "2023/01/02", last: String = "", dates: String = "", rating: String = "", review: String = "", tags: String = "") -> String {
        csvLine([title, "Ann Leckie, Someone Else", "Jane Doe (Translator)", isbn, "paperback", status, added, last, dates, "1", "dark", "medium", "", "", "", "", "", rating, review, "", "", tags, "No"])
    }

    @Test func statusesDatesRatingsAndTagsRead() throws {
        let file = try ImportFile(
            Self.header
                + Self.row("Ancillary Justice", isbn: "9780316246620", status: "read", dates: "2023/02/01-2023/03/04, 2021/05/06", rating: "4.25", review: "Great", tags: "sci-fi, space")
                + Self.row("Provenance", isbn: "SG-1234", status: "did-not-finish", last: "2023/06/07")
                + Self.row("Translation State", isbn: "0316289728", status: "paused")
                + Self.row("Bad", status: "read", dates: "2023/02/30")
        )

        let rows = try file.rows(.storygraph)

        let justice = try rows[0].requireBook()
        #expect(justice.authors == ["Ann Leckie", "Someone Else"] && justice.isbn13 == "9780316246620" && justice.physicalFormat == "paperback")
        #expect(justice.defaultShelf == "read" && justice.customShelves == ["sci-fi", "space"])
        #expect(justice.readthroughs == [ImportedReadthrough(startedOn: "2023-02-01", finishedOn: "2023-03-04"), ImportedReadthrough(finishedOn: "2021-05-06")])
        #expect(justice.statuses.first?.rating == 9 && justice.statuses.first?.body == "Great", "4.25 stars is 8.5 half stars, rounded up")
        let provenance = try rows[1].requireBook()
        #expect(provenance.isbn13 == nil, "StoryGraph's own ids are no ISBN")
        #expect(provenance.defaultShelf == "stopped-reading" && provenance.readthroughs == [ImportedReadthrough(stoppedOn: "2023-06-07")])
        #expect(try rows[2].requireBook().defaultShelf == "reading")
        #expect(try rows[2].requireBook().isbn10 == "0316289728")
        #expect(rows[3].problem == "column 'Dates Read': '2023/02/30' is not a date or a range of dates")
    }
}
