/// A file's header: its column names as written, and where each is (matched without regard to
/// case or surrounding spaces, since people edit these files in spreadsheets). A class, so the
/// position of each name a format asks for is worked out once, not once a row.
final class TableColumns {
    let names: [String]
    private let positions: [String: Int]
    private var asked: [String: Int?] = [:]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() { positions[Self.key(name)] = positions[Self.key(name)] ?? index }
        self.positions = positions
    }

    static func key(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }

    func position(_ name: String) -> Int? {
        if let known = asked[name] { return known }
        let position = positions[Self.key(name)]
        asked[name] = position
        return position
    }

    func has(_ name: String) -> Bool { position(name) != nil }
    var keys: Set<String> { Set(positions.keys) }
}

/// One data row of a table file, read by column name. Values that are present but can't be
/// understood (a date that is no date, a rating off the scale) add a problem that names the
/// column, so the row fails with a reason rather than importing something silently wrong.
struct TableRow {
    let cells: [String]
    let columns: TableColumns
    private(set) var problems: [String] = []

    init(cells: [String], columns: TableColumns) {
        self.cells = cells
        self.columns = columns
    }

    /// The cell's text without surrounding white space; empty when the column or cell is missing.
    subscript(_ column: String) -> String {
        guard let position = columns.position(column), position < cells.count else { return "" }
        return Self.trimmed(cells[position])
    }

    /// Most cells have no space at either end; those are returned without Foundation's trimming,
    /// which cost a third of the reading time.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        guard first <= 0x20 || last <= 0x20 || first >= 0x80 || last >= 0x80 else { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The cell as written, line breaks and spacing kept (reviews).
    func text(_ column: String) -> String? {
        guard let position = columns.position(column), position < cells.count else { return nil }
        let text = cells[position]
        return Self.trimmed(text).isEmpty ? nil : text
    }

    mutating func problem(_ text: String) { problems.append(text) }

    /// A day in any of the spellings `ImportDate.day` reads; empty is nil.
    mutating func day(_ column: String) -> String? {
        let text = self[column]
        guard !text.isEmpty else { return nil }
        guard let day = ImportDate.day(text) else {
            problem("column '\(displayName(column))': '\(text)' is not a date")
            return nil
        }
        return day
    }

    enum RatingScale {
        /// Stars, 0 to 5 (decimals rounded to the nearest half star).
        case stars
        /// Half stars, 0 to 10 (Calibre).
        case halfStars

        var maximum: Double { self == .stars ? 5 : 10 }
    }

    /// Half stars 1...10; 0 or empty is no rating.
    mutating func halfStars(_ column: String, scale: RatingScale) -> Int? {
        let text = self[column]
        guard !text.isEmpty else { return nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value >= 0, value <= scale.maximum else {
            problem("column '\(displayName(column))': '\(text)' is not a rating from 0 to \(Int(scale.maximum))")
            return nil
        }
        let halfStars = Int((scale == .stars ? value * 2 : value).rounded(.toNearestOrAwayFromZero))
        return halfStars == 0 ? nil : halfStars
    }

    /// A count such as pages; text that isn't a whole number is left out (it matters to no match).
    func count(_ column: String) -> Int? {
        Int(self[column]).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The column's name as the file spells it, for messages.
    func displayName(_ column: String) -> String {
        columns.position(column).map { columns.names[$0].trimmingCharacters(in: .whitespaces) } ?? column
    }
}
