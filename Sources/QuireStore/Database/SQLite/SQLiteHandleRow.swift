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
        guard let column = DirectColumn(D.self) else { return nil }
        switch (value, column.kind) {
        case (.integer(let integer), .int64): return column.make(Int64(integer), as: D.self)
        case (.integer(let integer), .int): return column.make(Int(integer), as: D.self)
        case (.integer(let integer), .bool) where integer == 0 || integer == 1: return column.make(integer == 1, as: D.self)
        case (.text(let text), .string): return column.make(text, as: D.self)
        case (.float(let double), .double): return column.make(double, as: D.self)
        case (.null, _): return column.null(as: D.self)
        default: return nil
        }
    }
}

struct SQLiteHandleMissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
