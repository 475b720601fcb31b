import CQuireSQLite
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLiteNIO
import VaporCSQLite

/// One SQLite connection, Quire's own, over the SQLite library SQLiteNIO ships (VaporCSQLite).
///
/// Quire ran its statements through SQLiteNIO's connections until a profile of a one-statement
/// read (an ordinary profile, release, 64 connections) showed where the time went: parsing and
/// planning the statement afresh was two thirds of the SQLite work (12.8% of all CPU against
/// 6.5% for running it), and each statement hopped from the request's task to SQLiteNIO's thread
/// pool and back, with the kernel's task switches at 14% of CPU. SQLiteNIO neither keeps a
/// prepared statement nor lets a caller reach the `sqlite3` handle to keep one, so Quire opens
/// the handle itself:
/// - prepared statements are kept per connection, keyed by their SQL text, and reset after each
///   run (`StatementCache`);
/// - a statement runs on the thread that asks for it: a reader's on the request's own task, the
///   writer's and the bulk connection's on their own threads (`SQLiteConnections`), so no
///   statement waits for a thread to wake;
/// - rows share their statement's column names and are read by position (`SQLiteHandleRow`).
///
/// A connection is used by one holder at a time (`OwnedConnections`); the lock only guards
/// against a holder running two statements at once on it, and is never contended otherwise.
final class SQLiteHandle: @unchecked Sendable {
    private var raw: OpaquePointer?
    private var cache = StatementCache()
    private let lock = NIOLock()
    let logger: Logger
    /// Where the future-returning `execute` of SQLKit completes (`SQLiteHandleDatabase`).
    let eventLoop: any EventLoop

    private init(raw: OpaquePointer?, logger: Logger, eventLoop: any EventLoop) {
        self.raw = raw
        self.logger = logger
        self.eventLoop = eventLoop
    }

    /// Opens (creating if missing) the database file at `path`; a statement waits up to
    /// `busyTimeoutMilliseconds` for another connection's lock instead of failing at once.
    static func open(
        path: String, busyTimeoutMilliseconds: Int32 = 5000, logger: Logger, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) throws -> SQLiteHandle {
        var raw: OpaquePointer?
        // NOMUTEX: `lock` already serializes every use of the handle.
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let opened = sqlite_nio_sqlite3_open_v2(path, &raw, flags, nil)
        guard opened == SQLITE_OK, let raw else {
            let message = raw.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "code \(opened)"
            sqlite_nio_sqlite3_close_v2(raw)
            throw SQLiteHandleError(code: opened, message: message)
        }
        sqlite_nio_sqlite3_busy_timeout(raw, busyTimeoutMilliseconds)
        // Plans that don't depend on bound values. Without this SQLite marks some statements to be
        // planned again whenever a value is bound (a LEFT JOIN's key compared with a bound id, as
        // in a profile's counts), so a kept statement was prepared anew on every run, its parse
        // as costly as before. The plans Quire's tests check (QueryPlanTests, JobQueryPlanTests)
        // hold without the values: no partial index here depends on a bound one.
        let planned = quire_sqlite_enable_qpsg(UnsafeMutableRawPointer(raw))
        guard planned == SQLITE_OK else {
            sqlite_nio_sqlite3_close_v2(raw)
            throw SQLiteHandleError(code: planned, message: "cannot fix query plans")
        }
        return SQLiteHandle(raw: raw, logger: logger, eventLoop: eventLoop)
    }

    /// Runs one statement with `binds`, handing each row to `onRow` as it is stepped to.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteHandleRow) throws -> Void) throws {
        try lock.withLock {
            guard let raw else { throw SQLiteHandleError(code: SQLITE_MISUSE, message: "the connection is closed") }
            let statement = try cache.statement(for: sql, on: raw)
            defer { cache.finished(statement, sql: sql) }
            try statement.bind(binds, on: raw)
            while try statement.step(on: raw) {
                try onRow(statement.row())
            }
        }
    }

    /// Statements prepared since the connection opened: a cached statement run again adds none.
    var prepared: Int { lock.withLock { cache.prepared } }
    /// Times SQLite prepared the kept statements again by itself (a schema change, or a bound
    /// value its plan depended on).
    var reprepared: Int { lock.withLock { cache.reprepared } }

    func close() {
        lock.withLock {
            cache.finalizeAll()
            sqlite_nio_sqlite3_close_v2(raw)
            raw = nil
        }
    }

    deinit {
        if raw != nil { close() }
    }
}

/// An error SQLite returned, with its message; the SQL itself is left out, as it may hold a
/// client's words only as bound values, which never reach a message.
struct SQLiteHandleError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}
