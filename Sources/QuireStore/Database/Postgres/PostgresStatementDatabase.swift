import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// One lease of a PostgreSQL connection as SQLKit's `SQLDatabase`, running each statement under
/// its name in `PostgresStatementNames`: prepared on the connection at its first run there, then
/// only bound and executed. A statement with no name, or with a value PostgresNIO cannot encode
/// directly (anything but its own `PostgresEncodable` types and nil), runs unnamed through
/// PostgresKit, as every statement did before.
struct PostgresStatementDatabase: SQLDatabase {
    let connection: PostgresConnection
    let names: PostgresStatementNames
    /// Whether this lease is a transaction (see `retires`).
    let inTransaction: Bool
    private let unnamed: any SQLDatabase
    private let failed = FailedFlag()

    init(connection: PostgresConnection, names: PostgresStatementNames, inTransaction: Bool) {
        self.connection = connection
        self.names = names
        self.inTransaction = inTransaction
        self.unnamed = connection.sql(queryLogLevel: nil)
    }

    var logger: Logger { connection.logger }
    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { nil }

    /// Unnamed: only transaction control uses the future form (`Database.end`). Sent from the
    /// connection's loop, as `execute` below.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        connection.eventLoop.flatSubmit { [connection, unnamed] in
            guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(Self.closedError) }
            return unnamed.execute(sql: query, onRow)
        }
    }

    /// Runs on the connection's event loop (`EventLoopTaskExecutor`): a connection the server
    /// closed is refused as the server being unavailable, and one still open takes the statement
    /// before anything else on the loop can close it.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await withTaskExecutorPreference(EventLoopTaskExecutor.of(connection.eventLoop)) {
            guard !connection.isClosed else { throw Self.closedError }
            try await send(query, onRow)
        }
    }

    static var closedError: DatabaseError { .unavailable("the connection to the database closed") }

    private func send(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        // After a failed statement the lease runs unnamed: in a transaction PostgreSQL refuses
        // every statement until the rollback, and a name whose preparation is refused stays
        // failed on the connection for good (PostgresNIO keeps the error under the name). An
        // unnamed statement's failure counts too: one with too many values failed, and the next
        // named one, new to the connection, had its preparation refused in the failed transaction.
        guard !failed.isSet, let (bindings, types) = try Self.bindings(binds), let name = names.name(sql: sql, types: types) else {
            do {
                return try await unnamed.execute(sql: RecordedStatement(sql: sql, binds: binds), onRow)
            } catch {
                failed.set()
                throw error
            }
        }
        do {
            try await run(name: name, sql: sql, bindings: bindings, onRow)
        } catch {
            failed.set()
            guard Self.retires(error) else { throw error }
            names.retire(sql: sql, types: types)
            // Refused at its bind, before running: outside a transaction, safe to run again.
            guard !inTransaction, !connection.isClosed else { throw error }
            try await unnamed.execute(sql: RecordedStatement(sql: sql, binds: binds), onRow)
        }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(name: String, sql: String, bindings: PostgresBindings, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await NamedStatement.$current.withValue(NamedStatement.Text(name: name, sql: sql)) {
            var columns: PostgresStatementColumns?
            for try await row in try await connection.execute(NamedStatement(bindings: bindings), logger: connection.logger) {
                let shared = columns ?? PostgresStatementColumns(row)
                columns = shared
                onRow(PostgresStatementRow(columns: shared, row: row))
            }
        }
    }

    /// Errors after which a name is no use on a connection: the prepared statement is gone
    /// (26000: a `DEALLOCATE` or `DISCARD ALL`), or its result's columns changed under it
    /// (0A000, "cached plan must not change result type": another process's migration).
    /// Quire's statements name their columns, so the second needs a table changed under a running
    /// process; either way the next run prepares the text again under a new name.
    static func retires(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let code = error.serverInfo?[.sqlState] else { return false }
        return code == "26000" || code == "0A000"
    }

    /// The values as PostgresNIO binds them and their types, or nil when one needs PostgresKit's
    /// `Encodable` path (which runs unnamed).
    static func bindings(_ binds: [any Encodable & Sendable]) throws -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            // Quire's statements bind integers and text nearly always: cast to those types first,
            // which compares type metadata, before the protocol casts below, each a conformance
            // lookup. A deep home page binds 15 values; this took it from 4,011 to 4,083 req/s
            // (PostgreSQL, large seed, three alternating pairs: `quire` 0.338 ms a request
            // against 0.346).
            switch bind {
            case let value as Int64:
                bindings.append(value, context: .default)
                types.append(.int8)
                continue
            case let value as String:
                bindings.append(value, context: .default)
                types.append(.text)
                continue
            default:
                break
            }
            if let optional = bind as? any OptionalBind, optional.isNone {
                bindings.appendNull()
                types.append(.null)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                try bindings.append(value, context: .default)
                types.append(value.psqlType)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }
}

/// A nil among a statement's values, whatever its wrapped type.
private protocol OptionalBind { var isNone: Bool { get } }
extension Optional: OptionalBind { fileprivate var isNone: Bool { self == nil } }

private final class FailedFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// Any statement, for `PostgresConnection.execute(_:logger:)`. PostgresNIO takes a prepared
/// statement's name and text from its type (static properties, read when `execute` is called and
/// when it reports an error), made for statements written out in Swift; Quire's come from SQLKit at
/// run time, so the type reads them from a task-local value that `run` sets around the call.
private struct NamedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        let name: String
        let sql: String
    }

    @TaskLocal static var current = Text(name: "", sql: "")
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
