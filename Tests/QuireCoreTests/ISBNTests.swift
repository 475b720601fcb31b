import QuireCore
import Testing

@Suite struct ISBNTests {
    @Test func isbn10WithHyphensGivesBothForms() throws {
        let isbn = try ISBN.parse("0-306-40615-2")

        #expect(isbn.isbn13 == "9780306406157")
        #expect(isbn.isbn10 == "0306406152")
    }

    @Test func isbn13WithHyphensGivesBothForms() throws {
        let isbn = try ISBN.parse("978-0-306-40615-7")

        #expect(isbn.isbn13 == "9780306406157")
        #expect(isbn.isbn10 == "0306406152")
        #expect(isbn == (try ISBN.parse("0306406152")))
    }

    @Test func isbn13WithSpaces() throws {
        let isbn = try ISBN.parse("978 0 13 235088 4")

        #expect(isbn.isbn13 == "9780132350884")
        #expect(isbn.isbn10 == "0132350882")
    }

    @Test(arguments: ["080442957X", "080442957x", "0-8044-2957-X"])
    func isbn10EndingInX(text: String) throws {
        let isbn = try ISBN.parse(text)

        #expect(isbn.isbn10 == "080442957X")
        #expect(isbn.isbn13 == "9780804429573")
    }

    @Test func isbn13In979RangeHasNoISBN10() throws {
        let isbn = try ISBN.parse("979-10-90636-07-1")

        #expect(isbn.isbn13 == "9791090636071")
        #expect(isbn.isbn10 == nil)
    }

    @Test func badCheckDigitNamesTheRightOne() {
        #expect(throws: ISBNError.badCheckDigit(expected: "7", found: "3")) { try ISBN.parse("978-0-306-40615-3") }
        #expect(ISBNError.badCheckDigit(expected: "7", found: "3").message == "check digit should be 7, not 3")
        #expect(throws: ISBNError.badCheckDigit(expected: "2", found: "X")) { try ISBN.parse("030640615X") }
        #expect(throws: ISBNError.badCheckDigit(expected: "X", found: "0")) { try ISBN.parse("0804429570") }
    }

    @Test func wrongLengthIsRefused() {
        #expect(throws: ISBNError.wrongLength(found: 12, allowed: [10, 13])) { try ISBN.parse("978030640615") }
        #expect(throws: ISBNError.wrongLength(found: 0, allowed: [10, 13])) { try ISBN.parse(" - ") }
        #expect(ISBNError.wrongLength(found: 12, allowed: [10, 13]).message == "an ISBN has 10 or 13 digits, not 12")
    }

    @Test func lettersAreRefused() {
        #expect(throws: ISBNError.notADigit("I")) { try ISBN.parse("ISBN 0306406152") }
        #expect(throws: ISBNError.notADigit("X")) { try ISBN.parse("03X6406152") }
        #expect(throws: ISBNError.notADigit("X")) { try ISBN.parse("978030640615X") }
        #expect(throws: ISBNError.notADigit("٣")) { try ISBN.parse("978030640615٣") }
    }

    @Test func fieldsThatInsistOnAKind() throws {
        #expect(try ISBN.parse10("0-306-40615-2").isbn13 == "9780306406157")
        #expect(try ISBN.parse13("9780306406157").isbn10 == "0306406152")
        #expect(throws: ISBNError.wrongLength(found: 13, allowed: [10])) { try ISBN.parse10("9780306406157") }
        #expect(throws: ISBNError.wrongLength(found: 10, allowed: [13])) { try ISBN.parse13("0306406152") }
        #expect(ISBNError.wrongLength(found: 13, allowed: [10]).message == "an ISBN-10 has 10 digits, not 13")
    }
}
