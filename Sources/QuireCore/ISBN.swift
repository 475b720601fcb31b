/// A validated book number, always known in its 13-digit form and, for 978-prefixed numbers, in
/// its older 10-digit form too (979-prefixed ISBNs have no ISBN-10).
public struct ISBN: Sendable, Hashable {
    /// The 13 digits with no separators, e.g. "9780306406157".
    public let isbn13: String
    /// The 10 characters with no separators and an upper-case X check digit, e.g. "0306406152";
    /// nil for ISBNs outside the 978 prefix.
    public let isbn10: String?

    /// Parses an ISBN-10 or ISBN-13 as people type them: hyphens and spaces are ignored and a
    /// lower-case x is accepted as an ISBN-10 check digit.
    public static func parse(_ text: String) throws(ISBNError) -> ISBN {
        let characters = try cleaned(text)
        switch characters.count {
        case 10: return try fromISBN10(characters)
        case 13: return try fromISBN13(characters)
        default: throw .wrongLength(found: characters.count, allowed: [10, 13])
        }
    }

    /// Parses a field that must hold an ISBN-10; 13 digits there is an error, not a conversion.
    public static func parse10(_ text: String) throws(ISBNError) -> ISBN {
        let characters = try cleaned(text)
        guard characters.count == 10 else { throw .wrongLength(found: characters.count, allowed: [10]) }
        return try fromISBN10(characters)
    }

    /// Parses a field that must hold an ISBN-13.
    public static func parse13(_ text: String) throws(ISBNError) -> ISBN {
        let characters = try cleaned(text)
        guard characters.count == 13 else { throw .wrongLength(found: characters.count, allowed: [13]) }
        return try fromISBN13(characters)
    }

    /// Strips separators and rejects anything but ASCII digits and X, so that "ISBN 978..." gets a
    /// message about the letters rather than a puzzling count.
    private static func cleaned(_ text: String) throws(ISBNError) -> [Character] {
        var characters: [Character] = []
        for character in text where character != "-" && !character.isWhitespace {
            guard character.isASCII, character.isNumber || character == "X" || character == "x" else {
                throw .notADigit(character)
            }
            characters.append(character == "x" ? "X" : character)
        }
        return characters
    }

    private static func fromISBN10(_ characters: [Character]) throws(ISBNError) -> ISBN {
        let body = try digits(characters.dropLast())
        let expected = checkCharacter10(body)
        let given = characters[characters.count - 1]
        guard given == expected else { throw .badCheckDigit(expected: expected, found: given) }
        let isbn13Body = [9, 7, 8] + body
        return ISBN(isbn13: string(isbn13Body) + String(checkDigit13(isbn13Body)), isbn10: String(characters))
    }

    private static func fromISBN13(_ characters: [Character]) throws(ISBNError) -> ISBN {
        // Unlike an ISBN-10, an ISBN-13 is all digits, check digit included.
        let all = try digits(characters[...])
        let body = Array(all.dropLast())
        let expected = Character(String(checkDigit13(body)))
        let given = characters[characters.count - 1]
        guard given == expected else { throw .badCheckDigit(expected: expected, found: given) }
        // Only the 978 range was carved out of the ISBN-10 space; 979 numbers never had one.
        let isbn10 = body.starts(with: [9, 7, 8])
            ? string(Array(body.dropFirst(3))) + String(checkCharacter10(Array(body.dropFirst(3))))
            : nil
        return ISBN(isbn13: String(characters), isbn10: isbn10)
    }

    /// X may only be the final character of an ISBN-10, so it is an error anywhere in a body.
    private static func digits(_ characters: ArraySlice<Character>) throws(ISBNError) -> [Int] {
        var result: [Int] = []
        for character in characters {
            guard let digit = character.wholeNumberValue else { throw .notADigit(character) }
            result.append(digit)
        }
        return result
    }

    /// ISBN-10: weights 10 down to 2 over the nine body digits; the check makes the total a
    /// multiple of 11, and a check value of 10 is written X.
    private static func checkCharacter10(_ body: [Int]) -> Character {
        let sum = body.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return check == 10 ? "X" : Character(String(check))
    }

    /// ISBN-13: weights alternate 1 and 3 over the twelve body digits; the check makes the total
    /// a multiple of 10.
    private static func checkDigit13(_ body: [Int]) -> Int {
        let sum = body.enumerated().reduce(0) { $0 + $1.element * ($1.offset.isMultiple(of: 2) ? 1 : 3) }
        return (10 - sum % 10) % 10
    }

    private static func string(_ digits: [Int]) -> String {
        digits.map(String.init).joined()
    }
}

/// Why a text is not an ISBN, worded for the person who typed it.
public enum ISBNError: Error, Sendable, Equatable {
    /// After removing hyphens and spaces there were `found` characters; `allowed` lists the
    /// lengths the field accepts.
    case wrongLength(found: Int, allowed: [Int])
    /// A character other than a digit, a hyphen or a space (or X ending an ISBN-10).
    case notADigit(Character)
    /// The digits are well formed but the last one does not match the others.
    case badCheckDigit(expected: Character, found: Character)

    /// A plain-English explanation, e.g. "check digit should be 7, not 3".
    public var message: String {
        switch self {
        case let .wrongLength(found, allowed):
            let lengths = allowed.map(String.init).joined(separator: " or ")
            let kind = allowed.count == 1 ? "an ISBN-\(lengths)" : "an ISBN"
            return "\(kind) has \(lengths) digits, not \(found)"
        case let .notADigit(character):
            return "may contain only digits, hyphens and spaces (and X as the last character of an ISBN-10), not \"\(character)\""
        case let .badCheckDigit(expected, found):
            return "check digit should be \(expected), not \(found)"
        }
    }
}
