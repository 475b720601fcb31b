import Foundation
import QuireCore

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
        let (year, month, day) = CivilDay.date(daysSince1970: days)
        let ymd = "\(year)-\(two(month))-\(two(day))"
        let hm = "\(two(time / 3_600)):\(two(time / 60 % 60))"
        return ("\(ymd)T\(hm):\(two(time % 60))Z", "\(ymd) \(hm) UTC")
    }

    static func readable(_ date: Date) -> String { isoAndReadable(date).readable }

    private static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
}
