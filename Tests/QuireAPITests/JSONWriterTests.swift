import Foundation
import NIOCore
import QuireCore
@testable import QuireAPI
@testable import QuireStore
import Testing

@Suite struct JSONWriterTests {
    @Test func writesValidJSONForAwkwardStrings() throws {
        // setup
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 📚 accents éà nul \u{00}"
        var w = JSONWriter(selection: ["keep", "list"], selectionDepth: 1)

        // call
        w.beginObject()
        if w.key("keep") { w.string(awkward) }
        if w.key("dropped") { w.int(Int64(1)) }
        if w.key("list") {
            w.beginArray()
            w.int(Int64(-5)); w.double(4.5); w.double(5); w.bool(true); w.null(); w.string(nil as String?)
            w.endArray()
        }
        w.endObject()

        // check
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: w.buffer)) as? [String: Any])
        #expect(Set(object.keys) == ["keep", "list"])
        #expect(object["keep"] as? String == awkward)
        let list = object["list"] as? [Any] ?? []
        #expect(list.count == 6)
        #expect((list[0] as? NSNumber)?.int64Value == -5)
        #expect((list[1] as? NSNumber)?.doubleValue == 4.5)
        #expect((list[2] as? NSNumber)?.doubleValue == 5)
        #expect(list[4] is NSNull)
    }

    @Test func numbersAndDatesAreWrittenAsSwiftAndFoundationWriteThem() throws {
        // setup: the edges of Int64, each digit count, and dates with and without a fraction
        let numbers: [Int64] = [0, 7, -7, 9, 10, 99, 100, -100, 1_234_567_890, 999_999_999_999_999_999, Int64.max, Int64.min, Int64.min + 1]
        let dates = [0.0, 951_782_400.5, 1_795_000_000.999, 4_102_444_799.0].map { Date(timeIntervalSince1970: $0) }
        var w = JSONWriter()

        // call
        w.beginArray()
        for number in numbers { w.int(number) }
        for date in dates { w.date(date) }
        w.endArray()

        // check: the same text as String(_:) and Foundation's formatter
        let formatter = ISO8601DateFormatter()
        let expected = "[" + (numbers.map { String($0) } + dates.map { "\"" + formatter.string(from: $0) + "\"" }).joined(separator: ",") + "]"
        #expect(String(buffer: w.buffer) == expected)
    }

    @Test func anEditionIsWrittenAsJSONEncoderWritesIt() throws {
        // setup: one edition with every field, one with only what is required
        let full = EditionRecord(
            id: 7, workID: 3, title: "The Dispossessed", subtitle: "An \"ambiguous\" utopia", description: "Anarres\nand Urras",
            languages: ["en", "fr"], pages: 387, publishers: ["Harper & Row"], publishedDate: "1974-05", physicalFormat: "paperback",
            isbn10: "0060125632", isbn13: "9780060125639", openlibraryKey: "OL1W", goodreadsKey: "13651", createdAt: 1_700_000_000_000_000,
            updatedAt: 1_700_000_000_123_456)
        let sparse = EditionRecord(id: 8, workID: 4, title: "Untitled", createdAt: 1_700_000_000_000_000, updatedAt: 1_700_000_000_000_000)
        for (edition, authors) in [(full, [AuthorRecord(id: 1, name: "Ursula K. Le Guin")]), (sparse, [])] {
            // call and check: the same object as the JSONEncoder encoding the work page still uses
            try Self.expectWrittenAsEncoded(EditionResponse(edition, authors: authors))
        }
    }

    /// A page of editions written from their kept JSON (`Rendered`, as a search page is) is
    /// byte for byte the page written field by field, with a field of its own after them (as a
    /// shelved book's `shelved_at`) and whatever `?fields=` picks.
    @Test func editionsWrittenFromTheirKeptFieldsAreTheSameBytes() throws {
        // setup: two editions, one with its JSON already kept
        let editions = [
            EditionWithAuthors(edition: EditionRecord(id: 7, workID: 3, title: "The \"Dispossessed\"", isbn13: "9780060125639",
                                                      createdAt: 1_700_000_000_000_000, updatedAt: 1_700_000_000_123_456),
                               authors: [AuthorRecord(id: 1, name: "Ursula K. Le Guin")]),
            EditionWithAuthors(edition: EditionRecord(id: 8, workID: 4, title: "Untitled", createdAt: 1_700_000_000_000_000,
                                                      updatedAt: 1_700_000_000_000_000), authors: []),
        ]
        _ = editions[0].rendered.get { JSONWriter.fields { EditionResponse(editions[0]).writeFields(to: &$0) } }
        for selection: Set<String>? in [nil, ["title", "shelved_at"]] {
            // call: the page both ways
            func page(kept: Bool) -> String {
                var w = JSONWriter(selection: selection, selectionDepth: 2)
                w.beginArray()
                for found in editions {
                    w.beginObject()
                    if kept {
                        EditionResponse.writeFields(found, to: &w)
                    } else {
                        EditionResponse(found).writeFields(to: &w)
                    }
                    if w.key("shelved_at") { w.int(1) }
                    w.endObject()
                }
                w.endArray()
                return String(buffer: w.buffer)
            }

            // check
            #expect(page(kept: true) == page(kept: false))
            #expect(try JSONSerialization.jsonObject(with: Data(page(kept: true).utf8)) is [Any])
        }
    }

    /// A page of statuses written from the JSON kept with their records (`Rendered`: a status's
    /// own fields, its account, its book), the first time and once kept, is byte for byte the
    /// page written field by field (`?fields=` naming every field), and what a status shows is
    /// its own: a boost's counts and flags are the boosted status's, an account without a display
    /// name has none.
    @Test func statusesWrittenFromTheirKeptFieldsAreTheSameBytes() throws {
        // setup: a review with a book and escapes, an edited note by an account with no display
        // name, and a boost of the review
        let review = StatusRecord(id: 10, userID: 1, kind: "review", editionID: 7, workID: 3, title: "A \"utopia\"",
                                  body: "Anarres\nand Urras", rating: 9, contentWarning: "spoilers", createdAt: 1_700_000_000_123_456)
        let note = StatusRecord(id: 11, userID: 2, kind: "note", body: "Reading along", privacy: "followers", inReplyToID: 10,
                                createdAt: 1_700_000_000_000_000)
        let boost = StatusRecord(id: 12, userID: 2, kind: "boost", body: "", boostOfID: 10, createdAt: 1_700_000_001_000_000)
        var counts = StatusCounts()
        (counts.likes, counts.boosts, counts.replies) = (4, 1, 1)
        let book = EditionWithAuthors(edition: EditionRecord(id: 7, workID: 3, title: "The Dispossessed", createdAt: 1, updatedAt: 1),
                                      authors: [AuthorRecord(id: 1, name: "Ursula K. Le Guin")])
        let page = StatusPage(statuses: [boost, note, review], originals: [10: review],
                              users: [1: UserRecord(id: 1, username: "ursula", displayName: "Ursula \"K.\"", createdAt: 1),
                                      2: UserRecord(id: 2, username: "quiet", createdAt: 1)],
                              books: [7: book], counts: [10: counts], liked: [10], boosted: [])
        func written(_ selection: Set<String>?) -> String {
            // As a page writes them: the statuses' keys two deep.
            var w = JSONWriter(selection: selection, selectionDepth: 2)
            w.beginArray()
            for status in page.statuses { StatusResponse.write(status, page: page, to: &w) }
            w.endArray()
            return String(buffer: w.buffer)
        }

        // call: kept JSON made, kept JSON copied, every field named
        let first = written(nil)
        let again = written(nil)
        let fieldByField = written(Set(StatusResponse.fieldNames))

        // check
        #expect(first == fieldByField)
        #expect(again == fieldByField)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [[String: Any]])
        #expect(items.map { $0["id"] as? Int } == [12, 11, 10])
        #expect((items[0]["boost_of"] as? [String: Any])?["title"] as? String == "A \"utopia\"")
        #expect(items[0]["likes_count"] as? Int == 4 && items[0]["liked"] as? Bool == true)
        #expect(items[1]["likes_count"] as? Int == 0 && items[1]["book"] is NSNull && items[1]["edited_at"] is NSNull)
        #expect((items[1]["account"] as? [String: Any]).map { Set($0.keys) } == ["id", "username"])
        #expect(((items[2]["book"] as? [String: Any])?["authors"] as? [[String: Any]])?.first?["name"] as? String == "Ursula K. Le Guin")
        #expect(items[2]["rating"] as? Double == 4.5)
    }

    @Test func aProfileIsWrittenAsJSONEncoderWritesIt() throws {
        // setup: an owner sees every count; a stranger sees no private shelf's count, and a
        // sparse account has no display name or bio
        let full = UserRecord(id: 5, username: "ursula", displayName: "Ursula \"K.\"", bio: "Anarres\nand Urras",
                              manuallyApprovesFollowers: true, createdAt: 1_700_000_000_123_456)
        let sparse = UserRecord(id: 6, username: "quiet", createdAt: 1_700_000_000_000_000)
        var counts = ProfileCounts()
        (counts.followers, counts.following, counts.statuses, counts.statusesPublic) = (12, 3, 40, 30)
        for shelf in DefaultShelf.allCases {
            counts.books[shelf] = 7
            counts.shelfPrivacy[shelf] = shelf == .read ? "public" : "private"
        }
        let responses = [
            ProfileResponse(full, counts: counts, relationship: .none, viewer: full.id),
            ProfileResponse(sparse, counts: counts, relationship: .none, viewer: 0),
        ]
        for response in responses {
            // call and check
            try Self.expectWrittenAsEncoded(response)
        }
    }

    /// `response` written by hand is the object JSONEncoder writes for it.
    private static func expectWrittenAsEncoded<T: JSONWritable & Encodable>(_ response: T) throws {
        var w = JSONWriter()
        response.write(to: &w)
        let written = try JSONSerialization.jsonObject(with: Data(buffer: w.buffer)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONCoding.encoder.encode(response)) as? NSDictionary
        #expect(written != nil)
        #expect(written == encoded, "\(String(buffer: w.buffer))")
    }
}
