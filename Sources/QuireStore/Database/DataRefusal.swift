import PostgresNIO
import VaporCSQLite

/// The database refusing what a statement stores, as opposed to failing to run it. A batch that
/// writes many rows of a file (an import's) can then find the row it refuses by writing each
/// alone, and fail that row with the database's words, where any other failure (a lost
/// connection, a busy database, a statement's own bug) is no row's fault and fails the pass.
public enum DataRefusal {
    /// The database's message when `error` refuses the data: on PostgreSQL SQLSTATE classes 22
    /// (a value out of range, too long, or not valid text), 23 (a constraint) and 54 (a limit, as
    /// an index entry past 2,704 bytes); on SQLite a constraint, a value too big, or a type
    /// mismatch. Nil for any other error.
    public static func reason(_ error: any Error) -> String? {
        if let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState],
           ["22", "23", "54"].contains(String(state.prefix(2))) {
            return error.serverInfo?[.message] ?? "SQLSTATE \(state)"
        }
        if let error = error as? SQLiteHandleError,
           [SQLITE_CONSTRAINT, SQLITE_TOOBIG, SQLITE_MISMATCH].contains(error.code & 0xff) {
            return error.message
        }
        return nil
    }
}
