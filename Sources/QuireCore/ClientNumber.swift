/// The one way a number a client sent becomes an integer. Swift traps on a conversion or
/// arithmetic that overflows, so a client's 1e300 fed to `Int(_:)` would stop the whole process;
/// every client number goes through here and comes out in range or as nil, never as a trap.
public enum ClientNumber {
    /// The longest run of digits that can still fit in an Int64 (9,223,372,036,854,775,807).
    static let maxDigits = 19

    /// `text` as a whole number in `range` when it is written as plain ASCII digits: no sign, no
    /// spaces, no exponent, no hex. So `+1`, ` 1`, `1e3` and `0x10` name no id and no limit.
    public static func whole(_ text: some StringProtocol, in range: ClosedRange<Int64>) -> Int64? {
        let utf8 = text.utf8
        guard (1...maxDigits).contains(utf8.count),
              utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = Int64(text)  // nil (not a trap) past Int64.max
        else { return nil }
        return range.contains(value) ? value : nil
    }

    /// `value` as an Int when it is a whole number in `range`; nil for fractions, NaN, infinities
    /// and values past Int's range, which `Int(_:)` would trap on.
    public static func exact(_ value: Double, in range: ClosedRange<Int>) -> Int? {
        guard let whole = Int(exactly: value), range.contains(whole) else { return nil }
        return whole
    }
}
