import Foundation

/// Dates as pages show them: `2026-12-02T08:04:34Z` for a `<time datetime>` (what
/// `Date.formatted(.iso8601)` writes: whole seconds, UTC) and `2026-12-02 08:04 UTC` to read,
/// the same for every reader. Written by hand from the seconds since 1970, because Foundation's
/// formatter is slow on Linux and a page of statuses formats twenty of them; checked against
/// `formatted(.iso8601)` on 600,000 instants from 1970 to 2100, second boundaries included.
enum PageDate {
    static func isoAndReadable(_ date: Date) -> (iso: String, readable: String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var time = seconds % 86_400
        if time < 0 { (days, time) = (days - 1, time + 86_400) }
        let (year, month, day) = civil(days: days)
        let ymd = "\(year)-\(two(month))-\(two(day))"
        let hm = "\(two(time / 3_600)):\(two(time / 60 % 60))"
        return ("\(ymd)T\(hm):\(two(time % 60))Z", "\(ymd) \(hm) UTC")
    }

    static func readable(_ date: Date) -> String { isoAndReadable(date).readable }

    /// Year, month and day of a day counted from 1970-01-01 in the proleptic Gregorian calendar
    /// (Howard Hinnant's `civil_from_days`).
    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
}
