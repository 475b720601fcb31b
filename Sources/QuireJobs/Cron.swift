import Foundation

/// A cron expression in UTC: five fields (minute hour day-of-month month day-of-week) or six with
/// seconds first. Each field takes `*`, numbers, lists `1,5`, ranges `1-5` and steps `*/15`, `1-30/5`.
/// Day of week is 0-6 from Sunday (7 is Sunday too). When both day fields are restricted a day
/// matches either, as in classic cron.
public struct Cron: Sendable, Equatable, CustomStringConvertible {
    let seconds: Set<Int>
    let minutes: Set<Int>
    let hours: Set<Int>
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    let daysRestricted: Bool
    let weekdaysRestricted: Bool
    public let description: String

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(ParseError) {
        var fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw ParseError(description: "cron expression \(text) needs 5 or 6 fields, has \(fields.count)")
        }
        if fields.count == 5 { fields.insert("0", at: 0) }
        seconds = try Self.field(fields[0], 0...59, "second")
        minutes = try Self.field(fields[1], 0...59, "minute")
        hours = try Self.field(fields[2], 0...23, "hour")
        days = try Self.field(fields[3], 1...31, "day of month")
        months = try Self.field(fields[4], 1...12, "month")
        weekdays = Set(try Self.field(fields[5], 0...7, "day of week").map { $0 % 7 })
        daysRestricted = fields[3] != "*"
        weekdaysRestricted = fields[5] != "*"
        description = text
    }

    private static func field(_ text: String, _ range: ClosedRange<Int>, _ name: String) throws(ParseError) -> Set<Int> {
        var values = Set<Int>()
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw ParseError(description: "bad \(name) field \(text)") }
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw ParseError(description: "bad step in \(name) field \(text)") }
            var low = range.lowerBound, high = range.upperBound
            if pieces[0] != "*" {
                let bounds = pieces[0].split(separator: "-").map { Int($0) }
                guard (1...2).contains(bounds.count), let first = bounds[0], let last = bounds.last ?? nil,
                      range.contains(first), range.contains(last), first <= last
                else { throw ParseError(description: "bad \(name) field \(text): values must be within \(range)") }
                low = first
                high = bounds.count == 2 ? last : (pieces.count == 2 ? range.upperBound : first)
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar
    }()

    /// The first time strictly after `date` that the expression matches.
    public func next(after date: Date) -> Date? {
        let calendar = Self.calendar
        var t = calendar.date(bySetting: .nanosecond, value: 0, of: date.addingTimeInterval(1)) ?? date
        t = Date(timeIntervalSince1970: (t.timeIntervalSince1970).rounded(.down))
        for _ in 0..<100_000 {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: t)
            guard let month = c.month, let day = c.day, let hour = c.hour, let minute = c.minute, let second = c.second,
                  let weekday = c.weekday else { return nil }
            if !months.contains(month) {
                t = calendar.date(from: DateComponents(year: c.year, month: month + 1, day: 1)) ?? t
                continue
            }
            let dayMatches: Bool
            switch (daysRestricted, weekdaysRestricted) {
            case (true, true): dayMatches = days.contains(day) || weekdays.contains(weekday - 1)
            case (true, false): dayMatches = days.contains(day)
            case (false, true): dayMatches = weekdays.contains(weekday - 1)
            case (false, false): dayMatches = true
            }
            if !dayMatches {
                t = calendar.startOfDay(for: t).addingTimeInterval(86_400)
                continue
            }
            if !hours.contains(hour) {
                t = t.addingTimeInterval(Double(3600 - minute * 60 - second))
                continue
            }
            if !minutes.contains(minute) {
                t = t.addingTimeInterval(Double(60 - second))
                continue
            }
            if !seconds.contains(second) {
                t = t.addingTimeInterval(1)
                continue
            }
            return t
        }
        return nil
    }
}
