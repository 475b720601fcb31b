import SQLKit
import SQLiteKit
import SQLiteNIO

/// A statement's column names and where each is in a row, made once per prepared statement and
/// shared by every row it returns.
final class SQLiteHandleColumns: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        // The first of two columns with one name wins, as with SQLiteNIO's rows.
        self.positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One row of a `SQLiteHandle` statement: its values by position.
///
/// The common column types (integers, text, doubles and flags, optional or not) are read
/// directly; anything else goes through SQLiteKit's decoder, so every type decodes as it did
/// through SQLiteKit's rows.
struct SQLiteHandleRow: SQLRow {
    let columns: SQLiteHandleColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.positions[column] else { throw SQLiteHandleMissingColumn(column: column) }
        let value = values[position]
        if let direct: D = Self.direct(value) { return direct }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }

    /// `value` as `D` when it is one of the common cases, without the decoder's dynamic work.
    private static func direct<D>(_ value: SQLiteData) -> D? {
        switch value {
        case .integer(let integer):
            if D.self == Int64.self || D.self == Int64?.self { return Int64(integer) as? D }
            if D.self == Int.self || D.self == Int?.self { return Int(integer) as? D }
            if (D.self == Bool.self || D.self == Bool?.self), integer == 0 || integer == 1 { return (integer == 1) as? D }
        case .text(let text):
            if D.self == String.self || D.self == String?.self { return text as? D }
        case .float(let double):
            if D.self == Double.self || D.self == Double?.self { return double as? D }
        case .null:
            if D.self == Int64?.self { return Int64?.none as? D }
            if D.self == String?.self { return String?.none as? D }
            if D.self == Int?.self { return Int?.none as? D }
            if D.self == Double?.self { return Double?.none as? D }
            if D.self == Bool?.self { return Bool?.none as? D }
        case .blob: break
        }
        return nil
    }
}

struct SQLiteHandleMissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
