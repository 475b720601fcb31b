import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

extension SQLiteHandle {
    var sql: any SQLDatabase { SQLiteHandleDatabase(handle: self) }
}

/// A `SQLiteHandle` as SQLKit's `SQLDatabase`: statements are serialized with SQLiteKit's dialect
/// and run at once, on the caller's thread (see `SQLiteHandle`).
struct SQLiteHandleDatabase: SQLDatabase {
    let handle: SQLiteHandle
    var logger: Logger { handle.logger }
    /// Only for the future-returning `execute`, whose future is already complete when returned.
    var eventLoop: any EventLoop { handle.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let binds = try serializer.binds.map(Self.data)
        try handle.run(serializer.sql, binds) { onRow($0) }
    }

    /// A bound value as SQLite data: the common types directly, anything else as SQLiteKit encodes it.
    static func data(_ value: any Encodable & Sendable) throws -> SQLiteData {
        switch value {
        case let integer as Int64: .integer(SQLiteInt64(integer))
        case let integer as Int: .integer(SQLiteInt64(integer))
        case let text as String: .text(text)
        case let double as Double: .float(double)
        case let flag as Bool: .integer(flag ? 1 : 0)
        case let data as SQLiteData: data
        default: try SQLiteDataEncoder().encode(value)
        }
    }
}
