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
        // The common cases without the decoder's dynamic work. Nothing here is a `D?`: in this
        // unspecialized code that would ask the runtime for `Optional<D>`'s metadata each call.
        if let direct = DirectColumn(D.self) {
            switch (value, direct.kind) {
            case (.integer(let integer), .int64): return direct.make(Int64(integer), as: D.self)
            case (.integer(let integer), .int): return direct.make(Int(integer), as: D.self)
            case (.integer(let integer), .bool) where integer == 0 || integer == 1: return direct.make(integer == 1, as: D.self)
            case (.text(let text), .string): return direct.make(text, as: D.self)
            case (.float(let double), .double): return direct.make(double, as: D.self)
            case (.null, _) where direct.optional: return direct.null(as: D.self)
            default: break
            }
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }
}

struct SQLiteHandleMissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
