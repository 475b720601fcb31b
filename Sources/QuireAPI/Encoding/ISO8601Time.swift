import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Dates on the wire as `2026-11-21T10:23:21Z`, written by hand: Foundation's ISO 8601 strategy
/// goes through a date formatter that cost several microseconds a date on Linux, and a job or an
/// edition carries three or four dates.
enum ISO8601Time {
    /// The bytes a date takes.
    static let length = 20

    static func string(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: length) { write(date, to: UnsafeMutableRawBufferPointer($0)) }
    }

    /// Writes the date's `length` bytes at the start of `out` (which holds at least that many)
    /// and returns `length`: `JSONWriter` writes a page's dates straight into its buffer, with no
    /// array or string made for each (a home page has two dates a status).
    static func write(_ date: Date, to out: UnsafeMutableRawBufferPointer) -> Int {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func put(_ value: Int32, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                out[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, 4, at: 0)
        put(parts.tm_mon + 1, 2, at: 5)
        put(parts.tm_mday, 2, at: 8)
        put(parts.tm_hour, 2, at: 11)
        put(parts.tm_min, 2, at: 14)
        put(parts.tm_sec, 2, at: 17)
        (out[4], out[7], out[10], out[13], out[16], out[19]) =
            (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "Z"))
        return length
    }
}
