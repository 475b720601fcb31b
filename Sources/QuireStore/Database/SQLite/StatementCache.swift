import NIOCore
import SQLiteNIO
import VaporCSQLite

/// A connection's prepared statements, by SQL text, reset after each run and kept for the next.
///
/// Bounded: texts that differ only in the length of an `IN (...)` list are different statements,
/// so past `capacity` the least recently used is finalized. Statements that change the schema are
/// not kept, and running one empties the cache, since statements prepared against the old schema
/// would be prepared again by SQLite anyway.
struct StatementCache {
    /// A bound on a connection's statements, not a measured working set.
    static let capacity = 64

    private var entries: [String: PreparedStatement] = [:]
    private var clock: UInt64 = 0
    private(set) var prepared = 0

    mutating func statement(for sql: String, on raw: OpaquePointer) throws -> PreparedStatement {
        clock &+= 1
        if let cached = entries[sql] {
            cached.lastUsed = clock
            return cached
        }
        let statement = try PreparedStatement(sql: sql, on: raw)
        statement.lastUsed = clock
        prepared += 1
        return statement
    }

    /// Resets `statement` after its run and keeps it, or finalizes it when it isn't kept. A kept
    /// statement's next run costs one lookup of its text (`statement(for:)`), not two.
    mutating func finished(_ statement: PreparedStatement, sql: String) {
        statement.reset()
        if statement.changesSchema {
            statement.finalize()
            finalizeAll()
            return
        }
        guard !statement.kept else { return }
        if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            entries.removeValue(forKey: oldest.key)?.finalize()
        }
        statement.kept = true
        entries[sql] = statement
    }

    var reprepared: Int { entries.values.reduce(0) { $0 + $1.reprepared } }

    mutating func finalizeAll() {
        for statement in entries.values { statement.finalize() }
        entries.removeAll()
    }
}

/// One prepared statement and its result's column names.
final class PreparedStatement {
    private var pointer: OpaquePointer?
    private var columns: SQLiteHandleColumns
    var lastUsed: UInt64 = 0
    /// Whether it is in its connection's `StatementCache`.
    var kept = false
    /// Whether it changes the schema (or a connection setting), so it is never kept and running
    /// it empties the cache; worked out once, when the statement is prepared.
    let changesSchema: Bool

    init(sql: String, on raw: OpaquePointer) throws {
        var pointer: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(raw, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard code == SQLITE_OK, let pointer else { throw SQLiteHandleError(code: code, raw: raw) }
        self.pointer = pointer
        self.columns = Self.columns(of: pointer)
        let keyword = sql.drop { $0.isWhitespace }.prefix { $0.isLetter }.uppercased()
        self.changesSchema = ["CREATE", "ALTER", "DROP", "PRAGMA", "VACUUM"].contains(keyword)
    }

    func bind(_ binds: [SQLiteData], on raw: OpaquePointer) throws {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let integer): code = sqlite_nio_sqlite3_bind_int64(pointer, index, Int64(integer))
            case .float(let double): code = sqlite_nio_sqlite3_bind_double(pointer, index, double)
            case .text(let text): code = sqlite_nio_sqlite3_bind_text64(pointer, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let buffer):
                // An empty buffer has no address, and binding a nil pointer would store NULL.
                code = buffer.readableBytes == 0
                    ? sqlite_nio_sqlite3_bind_zeroblob(pointer, index, 0)
                    : buffer.withUnsafeReadableBytes {
                        sqlite_nio_sqlite3_bind_blob64(pointer, index, $0.baseAddress, UInt64($0.count), transient)
                    }
            case .null: code = sqlite_nio_sqlite3_bind_null(pointer, index)
            }
            guard code == SQLITE_OK else { throw SQLiteHandleError(code: code, raw: raw) }
        }
    }

    /// Steps to the next row: true when there is one, false when the statement is done.
    func step(on raw: OpaquePointer) throws -> Bool {
        switch sqlite_nio_sqlite3_step(pointer) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw SQLiteHandleError(code: code, raw: raw)
        }
    }

    /// The current row. SQLite prepares a statement again by itself when the schema changed under
    /// it, and a `SELECT *` may then have other columns: the names are read again if their count moved.
    func row() -> SQLiteHandleRow {
        let count = sqlite_nio_sqlite3_column_count(pointer)
        if count != columns.names.count, let pointer { columns = Self.columns(of: pointer) }
        var values: [SQLiteData] = []
        values.reserveCapacity(Int(count))
        for index in 0..<count { values.append(value(at: index)) }
        return SQLiteHandleRow(columns: columns, values: values)
    }

    private func value(at index: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(pointer, index) {
        case SQLITE_INTEGER: return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(pointer, index)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(pointer, index))
        case SQLITE_TEXT:
            // The text pointer first, then its length in bytes, as SQLite's documentation orders them.
            guard let text = sqlite_nio_sqlite3_column_text(pointer, index) else { return .text("") }
            let length = Int(sqlite_nio_sqlite3_column_bytes(pointer, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = sqlite_nio_sqlite3_column_blob(pointer, index)
            let length = Int(sqlite_nio_sqlite3_column_bytes(pointer, index))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes { buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length)) }
            return .blob(buffer)
        default: return .null
        }
    }

    /// Ready for the next run: the read it held ends (a statement left stepping would keep its
    /// WAL snapshot, and with it the file from being checkpointed) and its values are cleared.
    func reset() {
        sqlite_nio_sqlite3_reset(pointer)
        sqlite_nio_sqlite3_clear_bindings(pointer)
    }

    var reprepared: Int { Int(sqlite_nio_sqlite3_stmt_status(pointer, SQLITE_STMTSTATUS_REPREPARE, 0)) }

    func finalize() {
        sqlite_nio_sqlite3_finalize(pointer)
        pointer = nil
    }

    private static func columns(of pointer: OpaquePointer) -> SQLiteHandleColumns {
        let count = sqlite_nio_sqlite3_column_count(pointer)
        return SQLiteHandleColumns(names: (0..<count).map { index in
            sqlite_nio_sqlite3_column_name(pointer, index).map { String(cString: $0) } ?? ""
        })
    }
}

/// SQLite's destructor value that makes it copy a bound text or blob before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension SQLiteHandleError {
    init(code: Int32, raw: OpaquePointer) {
        self.init(code: code, message: sqlite_nio_sqlite3_errmsg(raw).map { String(cString: $0) } ?? "code \(code)")
    }
}
