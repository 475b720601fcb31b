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

    /// Cursors already handed out keep working and keep their text: these were made by the
    /// JSONEncoder and Foundation base64 encoding (computed independently, in Python).
    @Test(arguments: [
        ("WzE3MDAwMDAwMDAwMDAwMDAsNDJd6Y7V16-qrL0", [CursorValue.int(1_700_000_000_000_000), .int(42)]),
        ("Wy01LDBdkh4dcm1EUxY", [.int(-5), .int(0)]),
        ("WyJhZGEiLDddKGSbE2n2ur0", [.string("ada"), .int(7)]),
        ("W103H5Amco8rYw", []),
    ])
    func aCursorMadeEarlierReadsAndIsMadeAlike(text: String, values: [CursorValue]) throws {
        #expect(try Cursor(decoding: text).values == values)
        #expect(Cursor(values).encoded() == text)
    }

    @Test func integersOfEveryLengthRoundTrip() throws {
        // Payloads of every length modulo 3, so every base64 tail is made and read.
        for values in [[Int64.min], [Int64.max, 0], [1], [12], [123, -1], [1, 2, 3, 4, 5]] {
            let cursor = Cursor(values.map { .int($0) })
            #expect(try Cursor(decoding: cursor.encoded()) == cursor)
        }
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

    /// A last character of 2 or 3 carries spare bits; one that sets them decodes to the same
    /// bytes, and so to the same cursor, unless refused.
    @Test func aLastCharacterWithItsSpareBitsSetIsRejected() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var tails = Set<Int>()
        for values in [[Int64(1)], [12], [123, -1], [1, 2, 3, 4, 5], [Int64.max, 0]] {
            var text = Array(Cursor(values.map { .int($0) }).encoded())
            guard text.count % 4 != 0, let value = alphabet.firstIndex(of: text[text.count - 1]) else { continue }
            tails.insert(text.count % 4)
            text[text.count - 1] = alphabet[value | 1]
            #expect(throws: CursorError.invalid) { try Cursor(decoding: String(text)) }
        }
        #expect(tails == [2, 3])
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
