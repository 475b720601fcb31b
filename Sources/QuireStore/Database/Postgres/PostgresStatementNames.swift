import PostgresNIO
import Synchronization

/// The names under which a database's statements are kept prepared on its PostgreSQL
/// connections: one per SQL text and parameter types.
///
/// Why: PostgreSQL parses, analyses and plans an unnamed statement at every run. A profile's counts
/// took 0.43 ms a run that way against 0.16 ms prepared (pgbench, one client), and 6,175 against
/// 35,868 runs a second at 8 clients. PostgresNIO keeps a connection's prepared statements by name
/// (`PostgresConnection.execute(_:logger:)`), so the same name must always mean the same text and
/// types: the types are in the key because a statement is prepared with the types of its first
/// run's values (a NULL's type is left to the server), and a later run must bind the same.
///
/// Bounded: PostgreSQL keeps each prepared statement for the connection's life, and PostgresNIO
/// never closes one. Texts that differ only in the length of an `IN (...)` list are different
/// statements, so at most `capacity` names are ever given out, and statements past that run
/// unnamed, as before. A retired name counts too: a connection may still hold it.
final class PostgresStatementNames: Sendable {
    /// A bound on what each connection holds, not a measured working set.
    static let capacity = 512
    /// Batches with more values than this (an import's `IN` lists) are rarely run twice with the
    /// same length. A page's counts and flags bind 62 values for 20 statuses
    /// (`StatusPageLoader.countsAndFlags`), and a page may hold 100.
    static let maximumBinds = 310

    private struct Key: Hashable {
        let sql: String
        let types: [PostgresDataType]
    }

    private struct State {
        var names: [Key: String] = [:]
        var issued = 0
    }

    private let state = Mutex(State())

    /// The statement's name, or nil when it runs unnamed: past `capacity`, or not a statement
    /// worth keeping (transaction control, DDL: cheap to parse, or run once).
    func name(sql: String, types: [PostgresDataType]) -> String? {
        guard types.count <= Self.maximumBinds, Self.isKept(sql) else { return nil }
        let key = Key(sql: sql, types: types)
        return state.withLock { state in
            if let name = state.names[key] { return name }
            guard state.issued < Self.capacity else { return nil }
            state.issued += 1
            let name = "quire_\(state.issued)"
            state.names[key] = name
            return name
        }
    }

    /// Forgets `sql`'s name: its next run is prepared under a new one. For a name a connection
    /// can no longer use (see `PostgresStatementDatabase.retires`).
    func retire(sql: String, types: [PostgresDataType]) {
        _ = state.withLock { $0.names.removeValue(forKey: Key(sql: sql, types: types)) }
    }

    /// Names given out so far, retired ones included.
    var issued: Int { state.withLock { $0.issued } }

    private static func isKept(_ sql: String) -> Bool {
        switch StatementKind(sql: sql) {
        case .select, .insert, .update, .delete: true
        case .transaction, .ddl, .other: false
        }
    }
}
