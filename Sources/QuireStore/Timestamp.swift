import Foundation

/// Instants are stored as Unix microseconds (BIGINT) on both engines.
public enum Timestamp {
    public static func microsecondsNow() -> Int64 {
        microseconds(Date())
    }

    public static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public static func date(microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
