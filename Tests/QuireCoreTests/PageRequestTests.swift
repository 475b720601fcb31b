import QuireCore
import Testing

@Suite struct PageRequestTests {
    @Test func defaultsToTwentyWithNoCursor() throws {
        let page = try PageRequest.parse(limit: nil, cursor: nil)

        #expect(page.limit == 20)
        #expect(page.cursor == nil)
    }

    @Test func emptyValuesMeanTheDefaults() throws {
        let page = try PageRequest.parse(limit: "", cursor: "")

        #expect(page.limit == 20)
        #expect(page.cursor == nil)
    }

    @Test(arguments: ["1", "50", "100"])
    func acceptsLimitsInRange(limit: String) throws {
        #expect(try PageRequest.parse(limit: limit, cursor: nil).limit == Int(limit))
    }

    @Test(arguments: ["0", "101", "abc", "-5", "2.5", " 7", "99999999999999999999"])
    func refusesOtherLimits(limit: String) {
        let expected = PageRequestError(field: "limit", message: "must be a whole number from 1 to 100")

        #expect(throws: expected) { try PageRequest.parse(limit: limit, cursor: nil) }
    }

    @Test func carriesADecodedCursor() throws {
        let cursor = Cursor([.int(7), .int(99)])

        let page = try PageRequest.parse(limit: "5", cursor: cursor.encoded())

        #expect(page.limit == 5)
        #expect(page.cursor == cursor)
    }

    @Test func badCursorNamesTheCursorField() {
        #expect {
            try PageRequest.parse(limit: "10", cursor: "not-a-cursor")
        } throws: { error in
            (error as? PageRequestError)?.field == "cursor"
        }
    }
}
