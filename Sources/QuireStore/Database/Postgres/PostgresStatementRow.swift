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
        // The common cases straight from the cell. Nothing here is a `D?`: in this unspecialized
        // code that would ask the runtime for `Optional<D>`'s metadata each call.
        if let position = columns.positions[column], let direct = DirectColumn(D.self) {
            let cell = cells[position]
            if cell.bytes == nil {
                if direct.optional { return direct.null(as: D.self) }
            } else {
                switch direct.kind {
                case .int64: if let value = try? cell.decode(Int64.self) { return direct.make(value, as: D.self) }
                case .int: if let value = try? cell.decode(Int.self) { return direct.make(value, as: D.self) }
                // PostgresKit reads a user-defined type's text as a string (Fluent's enums): left to it.
                case .string: if !cell.dataType.isUserDefined, let value = try? cell.decode(String.self) { return direct.make(value, as: D.self) }
                case .double: if let value = try? cell.decode(Double.self) { return direct.make(value, as: D.self) }
                case .bool: if let value = try? cell.decode(Bool.self) { return direct.make(value, as: D.self) }
                }
            }
        }
        return try row.sql().decode(column: column, as: D.self)
    }
}
