import SQLKit

/// Multi-row `INSERT ... VALUES (...), (...)` in batches: one statement per `rowsPerStatement`
/// rows, its placeholder text built once per shape. The seed's rows/s come from this.
public struct BulkInsert {
    let table: String
    let columns: [String]
    let rowsPerStatement: Int
    /// Appended to each statement, such as `ON CONFLICT DO NOTHING` for randomly drawn pairs.
    let suffix: String
    private var values: [any Encodable & Sendable] = []
    private(set) var inserted = 0

    public init(_ table: String, _ columns: [String], rowsPerStatement: Int = 500, suffix: String = "") {
        self.table = table
        self.columns = columns
        self.suffix = suffix
        // Keeps every statement under SQLite's 32,766 and PostgreSQL's 65,535 bound values.
        self.rowsPerStatement = min(rowsPerStatement, 30_000 / columns.count)
        values.reserveCapacity(self.rowsPerStatement * columns.count)
    }

    var pendingRows: Int { values.count / columns.count }

    public mutating func add(_ row: [any Encodable & Sendable], on db: any SQLDatabase) async throws {
        values.append(contentsOf: row)
        if pendingRows >= rowsPerStatement { try await flush(on: db) }
    }

    public mutating func flush(on db: any SQLDatabase) async throws {
        let rows = pendingRows
        guard rows > 0 else { return }
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let postgres = db.isPostgres
        var index = 0
        for row in 0..<rows {
            sql += row == 0 ? "(" : ", ("
            for column in 0..<columns.count {
                index += 1
                if column > 0 { sql += ", " }
                sql += postgres ? "$\(index)" : "?"
            }
            sql += ")"
        }
        if !suffix.isEmpty { sql += " " + suffix }
        try await db.execute(sql: RecordedStatement(sql: sql, binds: values)) { _ in }
        inserted += rows
        values.removeAll(keepingCapacity: true)
    }
}
