import Foundation
import Logging
import NIOPosix
import SQLiteNIO

/// The SQLite connections Quire owns: one writer (SQLite allows one writer at a time anyway, and
/// queuing writers here is cheaper than having them fight over the file lock) and a few readers,
/// which WAL mode lets run beside the writer.
///
/// SQLite's calls block, so SQLiteNIO runs them on a thread pool. The connections get a pool of
/// their own, a thread each: on SQLiteNIO's default (the process-wide pool, a thread per core)
/// one long statement, a counter repair's batch, held one of the two threads here, and every
/// request's statement queued for the other. With a thread per connection no statement waits
/// for another connection's, and the kernel shares the cores between them.
///
/// The bulk connection's thread is its own, not one of the shared pool's: its page cache is
/// evicted and refilled all through a batch job, and each thread that ran one of its statements
/// allocated pages in its own glibc arena, which kept them once freed. On the shared pool
/// catalog.stats grew the process by 19 to 21 MB of anonymous memory over a 50,000-work catalog
/// (debug build), on a thread of its own by 9 to 10.
final class SQLiteConnections: Sendable {
    let writer: OwnedConnections<SQLiteConnection>
    let readers: OwnedConnections<SQLiteConnection>
    /// A connection for batch work (exports' and the nightly jobs' reads, the nightly jobs' batch
    /// writes): it reads with pread into a small page cache instead of through mmap, so a pass over
    /// many pages of a large file doesn't map them into the process. Through mmap, a 20,000-book
    /// export on a 1,000,000-edition catalog raised the process's resident memory by 48.6 MB, all
    /// of it mapped database pages.
    let bulk: OwnedConnections<SQLiteConnection>
    private let threads: [NIOThreadPool]
    private let writerLoop: MultiThreadedEventLoopGroup

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], bulk: SQLiteConnection, threads: [NIOThreadPool],
                 writerLoop: MultiThreadedEventLoopGroup) {
        // Write transactions run on the writer connection's own event loop, a thread no request's
        // task waits on (`EventLoopTaskExecutor`).
        self.writer = OwnedConnections([writer], executor: EventLoopTaskExecutor(writer.eventLoop))
        self.readers = OwnedConnections(readers)
        self.bulk = OwnedConnections([bulk])
        self.threads = threads
        self.writerLoop = writerLoop
    }

    static func open(path: String, readers count: Int, cacheKiB: Int? = nil, logger: Logger) async throws -> SQLiteConnections {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatabaseError.badConfiguration("cannot create SQLite database \(path): folder \(folder) does not exist")
        }
        let threads = NIOThreadPool(numberOfThreads: count + 1)
        let bulkThread = NIOThreadPool(numberOfThreads: 1)
        let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        threads.start()
        bulkThread.start()
        do {
            let writer = try await openConnection(path: path, threads: threads, cacheKiB: cacheKiB ?? defaultCacheKiB, logger: logger,
                                                  on: writerLoop.next())
            // WAL is a property of the file, so setting it once on the writer covers every connection.
            _ = try await writer.query("PRAGMA journal_mode = WAL")
            var readers: [SQLiteConnection] = []
            for _ in 0..<count {
                readers.append(try await openConnection(path: path, threads: threads, cacheKiB: cacheKiB ?? defaultCacheKiB, logger: logger))
            }
            let bulk = try await openConnection(path: path, threads: bulkThread, cacheKiB: 2048, logger: logger)
            _ = try await bulk.query("PRAGMA mmap_size = 0")
            return SQLiteConnections(writer: writer, readers: readers, bulk: bulk, threads: [threads, bulkThread], writerLoop: writerLoop)
        } catch let error as SQLiteError {
            try? await threads.shutdownGracefully()
            try? await bulkThread.shutdownGracefully()
            try? await writerLoop.shutdownGracefully()
            throw DatabaseError.unavailable("cannot open SQLite database \(path): \(error.message)")
        } catch {
            try? await threads.shutdownGracefully()
            try? await bulkThread.shutdownGracefully()
            try? await writerLoop.shutdownGracefully()
            throw error
        }
    }

    /// Each connection's page cache unless configured (QUIRE_SQLITE_CACHE_KIB). Reads of the file
    /// come through mmap, which needs no page cache, so a cache holds the pages a connection wrote
    /// or read from the WAL, and it keeps each one until it is full: with 64 MiB for the writer and
    /// 16 MiB a reader the server's memory grew with every page the load wrote, 37 bytes a request
    /// for as long as a soak ran (scripts/soak: 15.9 MiB in the second minute, 18.5 in the tenth).
    /// At 1 MiB it levels off in minutes (14.8 and 16.1) and the read scenarios of scripts/bench
    /// ran as fast (BENCHMARKS.md, 2026-12-03). `quire seed` sets 64 MiB: its bulk inserts keep
    /// returning to the same index pages, and SQLite's default of 2 MB made it page-bound.
    static let defaultCacheKiB = 1024

    private static func openConnection(
        path: String, threads: NIOThreadPool, cacheKiB: Int, logger: Logger, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: loop).get()
        // busy_timeout replaces SQLiteNIO's default busy handler, which retries in a tight loop.
        // synchronous=NORMAL is durable across process crashes in WAL mode; only a power loss can
        // lose the last commits.
        // mmap_size lets reads of a file bigger than the page cache come from the OS page cache
        // without a pread system call a page: measured on a 2.5 GB seeded database, the kernel's
        // page copies were a fifth of a home timeline request's time.
        // The page cache fills and stays full: a connection's anonymous memory grows up to
        // cache_size and then holds (`defaultCacheKiB`).
        for pragma in ["PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                       "PRAGMA mmap_size = 17179869184", "PRAGMA cache_size = -\(cacheKiB)"] {
            _ = try await connection.query(pragma)
        }
        return connection
    }

    func close() async {
        // The future-based close ignores task cancellation: this runs as the database service is
        // being cancelled, and an unclosed connection would leak its file handle.
        for connection in writer.all + readers.all + bulk.all {
            try? await connection.close().get()
        }
        for pool in threads { try? await pool.shutdownGracefully() }
        try? await writerLoop.shutdownGracefully()
    }
}
