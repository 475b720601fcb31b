import Foundation
import NIOCore
@testable import QuireStore
import SQLKit
import SQLiteNIO
import Testing

/// Quire's own SQLite connection (`SQLiteHandle`): statements kept prepared, values read back as
/// they were written, and no read left holding the file. SQLite only: this is the SQLite driver
/// itself; PostgreSQL's statements go through PostgresNIO.
@Suite struct SQLiteHandleTests {
    @Test func aStatementRunAgainIsNotPreparedAgain() throws {
        try withHandles { first, _ in
            // setup
            let before = first.prepared

            // call
            for value in 1...5 { try first.run("SELECT ?1 AS x", [.integer(value)]) { _ in } }

            // check
            #expect(first.prepared == before + 1)
        }
    }

    /// A LEFT JOIN's key compared with a bound id made SQLite plan the statement again at every
    /// new value, which undid keeping it prepared.
    @Test func aKeptStatementIsNotPlannedAgainForANewValue() throws {
        try withHandles { first, _ in
            // setup
            try first.run("CREATE TABLE a (id INTEGER PRIMARY KEY)", []) { _ in }
            try first.run("CREATE TABLE b (a_id INTEGER PRIMARY KEY, n INTEGER)", []) { _ in }

            // call
            for value in 1...5 {
                try first.run("SELECT a.id, COALESCE(b.n, 0) AS n FROM a LEFT JOIN b ON b.a_id = a.id WHERE a.id = ?1", [.integer(value)]) { _ in }
            }

            // check
            #expect(first.reprepared == 0)
        }
    }

    @Test func theCacheKeepsAtMostItsCapacityAndDropsTheLeastRecentlyUsed() throws {
        try withHandles { first, _ in
            // setup: one more distinct statement than the cache holds
            let start = first.prepared
            for value in 0...StatementCache.capacity { try first.run("SELECT \(value) AS x", []) { _ in } }
            let before = first.prepared

            // call: the newest is still kept, the oldest was dropped
            try first.run("SELECT \(StatementCache.capacity) AS x", []) { _ in }
            let afterNewest = first.prepared
            try first.run("SELECT 0 AS x", []) { _ in }

            // check
            #expect(before == start + StatementCache.capacity + 1)
            #expect(afterNewest == before)
            #expect(first.prepared == before + 1)
        }
    }

    @Test func valuesReadBackAsTheyWereBound() async throws {
        try await withHandlesAsync { first, _ in
            let db = first.sql
            // setup
            try await db.raw("CREATE TABLE t (i INTEGER, s TEXT, d REAL, b BLOB, n INTEGER, f INTEGER)").run()
            let text = "a\u{0}b ✓ 📚"
            try await db.raw("""
                INSERT INTO t VALUES (\(bind: Int64.min), \(bind: text), \(bind: 2.5), \(bind: SQLiteData.blob(ByteBuffer())), \(bind: Int64?.none), \(bind: true))
                """).run()

            // call
            let row = try #require(try await db.raw("SELECT i, s, d, b, n, f FROM t").first())

            // check
            #expect(try row.decode(column: "i", as: Int64.self) == Int64.min)
            #expect(try row.decode(column: "s", as: String.self) == text)
            #expect(try row.decode(column: "d", as: Double.self) == 2.5)
            #expect(try row.decode(column: "n", as: Int64?.self) == nil)
            #expect(try row.decodeNil(column: "n"))
            #expect(try row.decode(column: "f", as: Bool.self))
            #expect(try row.decode(column: "i", as: Int64?.self) == Int64.min)
            #expect((row as? SQLiteHandleRow)?.values[3] == .blob(ByteBuffer()))
            #expect(throws: (any Error).self) { try row.decode(column: "missing", as: Int64.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "s", as: Int64.self) }
        }
    }

    @Test func aStatementStoppedPartWayLeavesNoReadOpen() throws {
        struct Stop: Error {}
        try withHandles { reader, writer in
            // setup
            try writer.run("CREATE TABLE t (i INTEGER)", []) { _ in }
            try writer.run("INSERT INTO t VALUES (1), (2), (3)", []) { _ in }

            // call: the reader stops after its first row
            #expect(throws: Stop.self) { try reader.run("SELECT i FROM t", []) { _ in throw Stop() } }
            try writer.run("INSERT INTO t VALUES (4)", []) { _ in }

            // check: a full checkpoint finds no reader in its way (busy = 0)
            var busy: Int64 = -1
            try writer.run("PRAGMA wal_checkpoint(TRUNCATE)", []) { busy = try $0.decode(column: "busy", as: Int64.self) }
            #expect(busy == 0)
        }
    }

    @Test func aCachedSelectAllSeesAColumnAddedByAnotherConnection() throws {
        try withHandles { reader, writer in
            // setup
            try writer.run("CREATE TABLE t (i INTEGER)", []) { _ in }
            try writer.run("INSERT INTO t VALUES (1)", []) { _ in }
            try reader.run("SELECT * FROM t", []) { _ in }

            // call
            try writer.run("ALTER TABLE t ADD COLUMN j INTEGER DEFAULT 7", []) { _ in }
            var columns: [String] = []
            var j: Int64?
            try reader.run("SELECT * FROM t", []) { row in
                columns = row.allColumns
                j = try row.decode(column: "j", as: Int64.self)
            }

            // check
            #expect(columns == ["i", "j"])
            #expect(j == 7)
        }
    }

    @Test func aFailedStatementLeavesTheConnectionUsable() throws {
        try withHandles { first, _ in
            // setup
            try first.run("CREATE TABLE t (i INTEGER PRIMARY KEY)", []) { _ in }
            try first.run("INSERT INTO t VALUES (?1)", [.integer(1)]) { _ in }

            // call
            #expect(throws: SQLiteHandleError.self) { try first.run("INSERT INTO t VALUES (?1)", [.integer(1)]) { _ in } }
            try first.run("INSERT INTO t VALUES (?1)", [.integer(2)]) { _ in }

            // check
            var count: Int64 = 0
            try first.run("SELECT COUNT(*) AS n FROM t", []) { count = try $0.decode(column: "n", as: Int64.self) }
            #expect(count == 2)
        }
    }

    /// Two connections to a fresh WAL-mode file.
    private func withHandles(_ body: (SQLiteHandle, SQLiteHandle) throws -> Void) throws {
        let (first, second, folder) = try Self.open()
        defer {
            first.close()
            second.close()
            try? FileManager.default.removeItem(at: folder)
        }
        try body(first, second)
    }

    private func withHandlesAsync(_ body: (SQLiteHandle, SQLiteHandle) async throws -> Void) async throws {
        let (first, second, folder) = try Self.open()
        defer {
            first.close()
            second.close()
            try? FileManager.default.removeItem(at: folder)
        }
        try await body(first, second)
    }

    private static func open() throws -> (SQLiteHandle, SQLiteHandle, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quire-handle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("test.sqlite").path
        let first = try SQLiteHandle.open(path: path, logger: .init(label: "test"))
        try first.run("PRAGMA journal_mode = WAL", []) { _ in }
        return (first, try SQLiteHandle.open(path: path, logger: .init(label: "test")), folder)
    }
}
