import PostgresKit
import PostgresNIO
import SQLKit

/// A statement's column names and where each is in a row, made from its first row and shared by
/// the rest.
final class PostgresStatementColumns: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ row: PostgresRow) {
        names = row.map(\.columnName)
        // The last of two columns with one name wins, as in PostgresNIO's own lookup.
        positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last })
    }
}

/// One row of a named statement (`PostgresStatementDatabase`), read by position.
///
/// PostgresKit's rows decode each value through `Encodable`-era machinery: a coding path array, a
/// conformance lookup and a few more allocations a column, most of a 20-row page's CPU in Quire.
/// The common column types (integers, text, doubles and flags, optional or not) are read here
/// straight from the cell with PostgresNIO's own decoders; anything else, and any cell those
/// refuse, goes through PostgresKit's row, so every type decodes as it did and fails as it did.
struct PostgresStatementRow: SQLRow {
    let columns: PostgresStatementColumns
    let row: PostgresRow
    private let cells: PostgresRandomAccessRow

    init(columns: PostgresStatementColumns, row: PostgresRow) {
        self.columns = columns
        self.row = row
        self.cells = row.makeRandomAccess()
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return cells[position].bytes == nil
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        if let position = columns.positions[column], let direct: D = Self.direct(cells[position]) { return direct }
        return try row.sql().decode(column: column, as: D.self)
    }

    /// `cell` as `D` when it is one of the common cases, without PostgresKit's dynamic work.
    private static func direct<D>(_ cell: PostgresCell) -> D? {
        guard let column = DirectColumn(D.self) else { return nil }
        guard cell.bytes != nil else { return column.null(as: D.self) }
        switch column.kind {
        case .int64: return (try? cell.decode(Int64.self)).map { column.make($0, as: D.self) }
        case .int: return (try? cell.decode(Int.self)).map { column.make($0, as: D.self) }
        // PostgresKit reads a user-defined type's text as a string (Fluent's enums): left to it.
        case .string: return cell.dataType.isUserDefined ? nil : (try? cell.decode(String.self)).map { column.make($0, as: D.self) }
        case .double: return (try? cell.decode(Double.self)).map { column.make($0, as: D.self) }
        case .bool: return (try? cell.decode(Bool.self)).map { column.make($0, as: D.self) }
        }
    }
}
