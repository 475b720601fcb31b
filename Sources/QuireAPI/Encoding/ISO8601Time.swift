import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Dates on the wire as `2026-11-21T10:23:21Z`, written by hand: Foundation's ISO 8601 strategy
/// goes through a date formatter that cost several microseconds a date on Linux, and a job or an
/// edition carries three or four dates.
enum ISO8601Time {
    static func string(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int32, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, 4, at: 0)
        put(parts.tm_mon + 1, 2, at: 5)
        put(parts.tm_mday, 2, at: 8)
        put(parts.tm_hour, 2, at: 11)
        put(parts.tm_min, 2, at: 14)
        put(parts.tm_sec, 2, at: 17)
        for (index, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] {
            bytes[index] = separator.utf8.first ?? 0
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
