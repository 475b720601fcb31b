import QuireCore
import Testing

@Suite struct CursorTests {
    private let cursor = Cursor([.int(1_718_000_000_123), .string("Dune: \"Messiah\" / é"), .int(-42)])

    @Test func roundTrips() throws {
        let text = cursor.encoded()

        let decoded = try Cursor(decoding: text)

        #expect(decoded == cursor)
        #expect(try decoded.int(0) == 1_718_000_000_123)
        #expect(try decoded.string(1) == "Dune: \"Messiah\" / é")
        #expect(try decoded.int(2) == -42)
    }

    @Test func isURLSafe() {
        let text = cursor.encoded()

        #expect(text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    }

    @Test func numericStringStaysAString() throws {
        let decoded = try Cursor(decoding: Cursor([.string("123")]).encoded())

        #expect(decoded.values == [.string("123")])
    }

    @Test func anyOneCharacterChangedIsRejected() {
        let text = Array(cursor.encoded())
        for index in text.indices {
            for replacement in ["A", "B", "g", "-", "_", "0"].map(Character.init) where replacement != text[index] {
                var changed = text
                changed[index] = replacement
                #expect(throws: CursorError.invalid) { try Cursor(decoding: String(changed)) }
            }
        }
    }

    @Test func truncatedOrForeignTextIsRejected() {
        let text = cursor.encoded()

        #expect(throws: CursorError.invalid) { try Cursor(decoding: String(text.dropLast())) }
        #expect(throws: CursorError.invalid) { try Cursor(decoding: String(text.dropFirst(4))) }
        #expect(throws: CursorError.invalid) { try Cursor(decoding: "") }
        #expect(throws: CursorError.invalid) { try Cursor(decoding: text + "=") }
        #expect(throws: CursorError.invalid) { try Cursor(decoding: "WzFd") } // "[1]" with no check
    }

    @Test func overlongTextIsRejected() {
        #expect(throws: CursorError.tooLong) { try Cursor(decoding: String(repeating: "A", count: 513)) }
        #expect(CursorError.tooLong.message == "cursor is not valid; use next_cursor from a previous page")
    }

    @Test func accessorsRefuseMissingOrOtherKind() {
        #expect(throws: CursorError.wrongKind(index: 0)) { try cursor.string(0) }
        #expect(throws: CursorError.wrongKind(index: 1)) { try cursor.int(1) }
        #expect(throws: CursorError.missingValue(index: 3)) { try cursor.int(3) }
        #expect(throws: CursorError.missingValue(index: -1)) { try cursor.string(-1) }
    }
}
