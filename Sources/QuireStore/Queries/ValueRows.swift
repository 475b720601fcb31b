import SQLKit

extension SQLQueryString {
    /// `(?, ?), (?, ?)`: rows of bound values for a multi-row `VALUES`, so a batch writes a
    /// table in one statement. Callers keep rows × columns under PostgreSQL's 65,535 bound values
    /// (`valueRowsPerStatement`).
    static func valueRows(_ rows: some Collection<[any Encodable & Sendable]>) -> SQLQueryString {
        var values = SQLQueryString("")
        for (index, row) in rows.enumerated() {
            values.appendInterpolation(unsafeRaw: index == 0 ? "(" : ", (")
            values.appendInterpolation(binds: row)
            values.appendInterpolation(unsafeRaw: ")")
        }
        return values
    }

    /// Rows of `columns` a statement that stay well under both engines' bound-value limits.
    static func valueRowsPerStatement(columns: Int) -> Int { 30_000 / max(1, columns) }
}
