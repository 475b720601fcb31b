import QuireCore

/// A moment (Unix microseconds) as the export formats spell it, always in UTC. Written by hand
/// rather than through a DateFormatter so the output never depends on the server's locale or
/// time zone.
struct ExportTimestamp {
    let year: Int, month: Int, day: Int
    let hour: Int, minute: Int, second: Int
    let microsecond: Int

    init(microseconds: Int64) {
        let perDay: Int64 = 86_400_000_000
        let (days, within) = microseconds.quotientAndRemainder(dividingBy: perDay)
        let dayNumber = within < 0 ? days - 1 : days
        let micros = within < 0 ? within + perDay : within
        let civil = CivilDay.date(daysSince1970: dayNumber)
        year = Int(civil.year)
        month = Int(civil.month)
        day = Int(civil.day)
        let seconds = Int(micros / 1_000_000)
        hour = seconds / 3600
        minute = seconds / 60 % 60
        second = seconds % 60
        microsecond = Int(micros % 1_000_000)
    }

    /// `2024-03-05`.
    var date: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    /// Python's `datetime.isoformat()` of an aware UTC time, as BookWyrm's ActivityPub fields carry
    /// it: `2024-03-05T14:07:09.123456+00:00`, the fraction left out when it is zero.
    var pythonISO: String {
        let fraction = microsecond == 0 ? "" : ".\(pad(microsecond, 6))"
        return "\(date)T\(time)\(fraction)+00:00"
    }

    /// Django's JSON encoder's spelling, as BookWyrm's read-through rows carry it:
    /// `2024-03-05T14:07:09.123Z` (milliseconds, left out when the time has no fraction).
    var djangoISO: String {
        let fraction = microsecond == 0 ? "" : ".\(pad(microsecond / 1000, 3))"
        return "\(date)T\(time)\(fraction)Z"
    }

    private var time: String { "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

}
