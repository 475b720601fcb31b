/// Dates as the import files write them, to Quire's `YYYY-MM-DD` days and Unix microseconds.
/// Parsed by hand, never through a DateFormatter, so the result doesn't depend on the server's
/// locale or time zone; days are taken in UTC.
enum ImportDate {
    /// The day of `2020/10/25` (Goodreads, StoryGraph), `2020-10-25`, `2020-1-5`, or a timestamp
    /// starting with a day (`2023-05-01T12:00:00.000`), as `YYYY-MM-DD`; nil when the text is no
    /// real date (`2020/13/45`).
    static func day(_ text: String) -> String? {
        guard let (year, month, day, _) = dayParts(Array(text.utf8)) else { return nil }
        return format(year, month, day)
    }

    /// `YYYY`, `YYYY-MM` or a day, for a publication date; nil when it is none of these.
    static func publishedDate(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        if bytes.count == 4, let year = number(bytes[...]), year > 0 { return pad(year, 4) }
        if bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let year = number(bytes[0..<4]), let month = number(bytes[5...]), (1...12).contains(month) {
            return "\(pad(year, 4))-\(pad(month, 2))"
        }
        return day(text)
    }

    /// Midnight UTC of a `YYYY-MM-DD` day.
    static func microseconds(day: String) -> Int64? {
        guard let (year, month, dayOfMonth, _) = dayParts(Array(day.utf8)) else { return nil }
        return Int64(daysSince1970(year, month, dayOfMonth)) * 86_400_000_000
    }

    /// An ISO 8601 time as Python and Django write them (`2023-08-14T04:09:18.343+00:00`,
    /// `2024-03-05T14:07:09Z`), or a day alone (midnight); a time without an offset is UTC.
    static func timestamp(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard let (year, month, day, rest) = dayParts(bytes) else { return nil }
        var micros = Int64(daysSince1970(year, month, day)) * 86_400_000_000
        var index = rest
        guard index < bytes.count else { return micros }
        guard bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " "), index + 5 < bytes.count,
              let hour = number(bytes[(index + 1)..<(index + 3)]), bytes[index + 3] == UInt8(ascii: ":"),
              let minute = number(bytes[(index + 4)..<(index + 6)]), hour < 24, minute < 60
        else { return nil }
        index += 6
        var second = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":"), index + 2 < bytes.count, let value = number(bytes[(index + 1)..<(index + 3)]) {
            second = value
            index += 3
        }
        micros += Int64(hour * 3600 + minute * 60 + second) * 1_000_000
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var fraction: Int64 = 0
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                if digits < 6 { fraction = fraction * 10 + Int64(digit) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { fraction *= 10 }
            micros += fraction
        }
        guard index < bytes.count else { return micros }
        if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count { return micros }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), bytes.count - index == 6,
              let offsetHours = number(bytes[(index + 1)..<(index + 3)]), bytes[index + 3] == UInt8(ascii: ":"),
              let offsetMinutes = number(bytes[(index + 4)..<(index + 6)])
        else { return nil }
        let offset = Int64(offsetHours * 3600 + offsetMinutes * 60) * 1_000_000
        return bytes[index] == UInt8(ascii: "+") ? micros - offset : micros + offset
    }

    /// Year, month and day, and the index after them; the day must exist (no 31 April).
    private static func dayParts(_ bytes: [UInt8]) -> (Int, Int, Int, Int)? {
        guard bytes.count >= 8, let year = number(bytes[0..<4]), year > 0 else { return nil }
        let separator = bytes[4]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") else { return nil }
        var index = 5
        func part() -> Int? {
            let start = index
            while index < bytes.count, index - start < 2, digitValue(bytes[index]) != nil { index += 1 }
            return index > start ? number(bytes[start..<index]) : nil
        }
        guard let month = part(), index < bytes.count, bytes[index] == separator else { return nil }
        index += 1
        guard let day = part(), (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
        guard index == bytes.count || bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") else { return nil }
        return (year, month, day, index)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard let digit = digitValue(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func format(_ year: Int, _ month: Int, _ day: Int) -> String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Howard Hinnant's days-from-civil (proleptic Gregorian calendar).
    private static func daysSince1970(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
