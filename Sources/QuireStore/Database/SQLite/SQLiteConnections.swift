import Foundation
import Logging
import NIOPosix
import SQLiteNIO

/// The SQLite connections Quire owns: one writer (SQLite allows one writer at a time anyway, and
/// queuing writers here is cheaper than having them fight over the file lock) and a few readers,
/// which WAL mode lets run beside the writer.
///
/// A reader's statements run on the task that holds it (`SQLiteHandle`): a request's read is
/// a few tens of microseconds of SQLite work from warm pages, less than the two thread wake-ups
/// a hop to a thread of the connection's own and back cost. The writer and the bulk connection
/// each have a thread of their own (an event loop that runs their holders' tasks, through
/// `EventLoopTaskExecutor`), for the reasons given at `writer` and `bulk`.
final class SQLiteConnections: Sendable {
    /// Write transactions run on the writer's own thread: a transaction holds the database's only
    /// write lock from BEGIN to COMMIT, and between its statements its task waited in the global
    /// executor's queue behind every request's task (`EventLoopTaskExecutor`).
    let writer: OwnedConnections<SQLiteHandle>
    let readers: OwnedConnections<SQLiteHandle>
    /// A connection for batch work (exports' and the nightly jobs' reads, the nightly jobs' batch
    /// writes): it reads with pread into a small page cache instead of through mmap, so a pass over
    /// many pages of a large file doesn't map them into the process. Through mmap, a 20,000-book
    /// export on a 1,000,000-edition catalog raised the process's resident memory by 48.6 MB, all
    /// of it mapped database pages.
    ///
    /// Its thread is its own: its page cache is evicted and refilled all through a batch job, and
    /// each thread that ran one of its statements allocated pages in its own glibc arena, which
    /// kept them once freed. On a shared pool of threads catalog.stats grew the process by 19 to
    /// 21 MB of anonymous memory over a 50,000-work catalog (debug build), on a thread of its own
    /// by 9 to 10. A batch's long statements also keep off the threads requests run on.
    let bulk: OwnedConnections<SQLiteHandle>
    private let checkpointer: WALCheckpointer
    private let loops: [MultiThreadedEventLoopGroup]

    /// `writer` and `bulk` were opened on loops of their own (in `loops`), which run their holders' tasks.
    private init(writer: SQLiteHandle, readers: [SQLiteHandle], bulk: SQLiteHandle, checkpointer: WALCheckpointer,
                 loops: [MultiThreadedEventLoopGroup]) {
        self.writer = OwnedConnections([writer], executor: EventLoopTaskExecutor(writer.eventLoop))
        self.readers = OwnedConnections(readers)
        self.bulk = OwnedConnections([bulk], executor: EventLoopTaskExecutor(bulk.eventLoop))
        self.checkpointer = checkpointer
        self.loops = loops
    }

    static func open(path: String, readers count: Int, cacheKiB: Int? = nil, logger: Logger) async throws -> SQLiteConnections {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatabaseError.badConfiguration("cannot create SQLite database \(path): folder \(folder) does not exist")
        }
        let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bulkLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let checkpointLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var opened: [SQLiteHandle] = []
        do {
            let writer = try openConnection(path: path, cacheKiB: cacheKiB ?? defaultCacheKiB, logger: logger, on: writerLoop.next())
            opened.append(writer)
            // WAL is a property of the file, so setting it once on the writer covers every connection.
            try writer.run("PRAGMA journal_mode = WAL", []) { _ in }
            // The checkpointer copies the WAL back; the writer finishes what it leaves.
            try writer.run("PRAGMA wal_autocheckpoint = \(WALCheckpointer.writerPages)", []) { _ in }
            // A statement that may fail halfway inside a transaction (an INSERT ... SELECT of a
            // note's fan-out, with its constraints) first copies each page it changes to a
            // statement journal, by default a temporary file: a fifth of the writer's CPU in a run
            // of notes fanned out to 106 followers on the large seed was those copies' pwrite
            // calls. In memory they cost a copy; the journal lasts one statement.
            try writer.run("PRAGMA temp_store = MEMORY", []) { _ in }
            var readers: [SQLiteHandle] = []
            for _ in 0..<count {
                let reader = try openConnection(path: path, cacheKiB: cacheKiB ?? defaultCacheKiB, logger: logger)
                readers.append(reader)
                opened.append(reader)
            }
            let bulk = try openConnection(path: path, cacheKiB: 2048, logger: logger, on: bulkLoop.next())
            opened.append(bulk)
            try bulk.run("PRAGMA mmap_size = 0", []) { _ in }
            // Its reads of the WAL's pages need no cache of its own.
            let checkpointing = try openConnection(path: path, cacheKiB: 64, logger: logger, on: checkpointLoop.next())
            opened.append(checkpointing)
            let checkpointer = WALCheckpointer(handle: checkpointing, loop: checkpointLoop, logger: logger)
            checkpointer.start()
            return SQLiteConnections(writer: writer, readers: readers, bulk: bulk, checkpointer: checkpointer, loops: [writerLoop, bulkLoop])
        } catch {
            for handle in opened { handle.close() }
            try? await writerLoop.shutdownGracefully()
            try? await bulkLoop.shutdownGracefully()
            try? await checkpointLoop.shutdownGracefully()
            if let error = error as? SQLiteHandleError {
                throw DatabaseError.unavailable("cannot open SQLite database \(path): \(error.message)")
            }
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
        path: String, cacheKiB: Int, logger: Logger, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) throws -> SQLiteHandle {
        let connection = try SQLiteHandle.open(path: path, logger: logger, eventLoop: loop)
        // The busy timeout (`SQLiteHandle.open`) waits for another connection's lock.
        // synchronous=NORMAL is durable across process crashes in WAL mode; only a power loss can
        // lose the last commits.
        // mmap_size lets reads of a file bigger than the page cache come from the OS page cache
        // without a pread system call a page: measured on a 2.5 GB seeded database, the kernel's
        // page copies were a fifth of a home timeline request's time.
        // The page cache fills and stays full: a connection's anonymous memory grows up to
        // cache_size and then holds (`defaultCacheKiB`).
        for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                       "PRAGMA mmap_size = 17179869184", "PRAGMA cache_size = -\(cacheKiB)"] {
            do {
                try connection.run(pragma, []) { _ in }
            } catch {
                connection.close()
                throw error
            }
        }
        return connection
    }

    func close() async {
        await checkpointer.stop()
        for connection in writer.all + readers.all + bulk.all { connection.close() }
        for loop in loops { try? await loop.shutdownGracefully() }
    }
}
