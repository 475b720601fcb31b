import Foundation
import Logging
import SQLiteNIO

/// The SQLite connections Quire owns: one writer (SQLite allows one writer at a time anyway, and
/// queuing writers here is cheaper than having them fight over the file lock) and a few readers,
/// which WAL mode lets run beside the writer.
final class SQLiteConnections: Sendable {
    let writer: OwnedConnections<SQLiteConnection>
    let readers: OwnedConnections<SQLiteConnection>

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = OwnedConnections([writer])
        self.readers = OwnedConnections(readers)
    }

    static func open(path: String, readers count: Int, logger: Logger) async throws -> SQLiteConnections {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatabaseError.badConfiguration("cannot create SQLite database \(path): folder \(folder) does not exist")
        }
        do {
            let writer = try await openConnection(path: path, logger: logger)
            // WAL is a property of the file, so setting it once on the writer covers every connection.
            _ = try await writer.query("PRAGMA journal_mode = WAL")
            // The writer's page cache holds the index pages that bulk writes (seed, imports) keep
            // returning to; SQLite's default of 2 MB made the seed page-bound.
            _ = try await writer.query("PRAGMA cache_size = -65536")
            var readers: [SQLiteConnection] = []
            for _ in 0..<count {
                readers.append(try await openConnection(path: path, logger: logger))
            }
            return SQLiteConnections(writer: writer, readers: readers)
        } catch let error as SQLiteError {
            throw DatabaseError.unavailable("cannot open SQLite database \(path): \(error.message)")
        }
    }

    private static func openConnection(path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        // busy_timeout replaces SQLiteNIO's default busy handler, which retries in a tight loop.
        // synchronous=NORMAL is durable across process crashes in WAL mode; only a power loss can
        // lose the last commits.
        // mmap_size lets reads of a file bigger than the page cache come from the OS page cache
        // without a pread system call a page: measured on a 2.5 GB seeded database, the kernel's
        // page copies were a fifth of a home timeline request's time.
        for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                       "PRAGMA mmap_size = 17179869184", "PRAGMA cache_size = -16384"] {
            _ = try await connection.query(pragma)
        }
        return connection
    }

    func close() async {
        // The future-based close ignores task cancellation: this runs as the database service is
        // being cancelled, and an unclosed connection would leak its file handle.
        for connection in writer.all + readers.all {
            try? await connection.close().get()
        }
    }
}
