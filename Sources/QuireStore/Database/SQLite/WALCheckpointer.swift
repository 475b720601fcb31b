import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Copies the WAL's pages back into the database file from a connection and a thread of its own,
/// so the writer seldom has to.
///
/// SQLite checkpoints in the connection that commits once the WAL passes 1,000 pages, and so in
/// the writer, which every write waits for: on the large seed a note fanned out to 106
/// followers, and a tenth of the writer's CPU in a run of such notes was `sqlite3WalCheckpoint`
/// (the copy and its fsync), time during which no other write could start. Here a checkpoint
/// runs every `interval`, PASSIVE (it waits for no reader or writer, and copies what no reader
/// still needs).
///
/// Only a checkpoint that finds every page copied lets the next write start the WAL again from
/// its beginning, and under steady writes this one seldom does (pages are added while it
/// copies). So the writer keeps a checkpoint of its own, at `writerPages`: by then this one has
/// copied nearly all of them, and the writer's copies the few left and starts the WAL again,
/// which so stays under 32 MB. Serial notes of 106 followers each on the large seed (release,
/// 300 of them, medians of two runs): the writer checkpointing at 1,000 pages alone 7.2 ms
/// median and 16.8 p90; with this at 200 ms and the writer's at 1,000, 5.4 and 14.7; at 8,000,
/// 5.2 and 7.2. A database left quiet has its writes in its main file within `interval`.
final class WALCheckpointer: Sendable {
    static let interval: Duration = .milliseconds(200)
    static let writerPages = 8_000

    private let handle: SQLiteHandle
    private let loop: MultiThreadedEventLoopGroup
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let logger: Logger

    init(handle: SQLiteHandle, loop: MultiThreadedEventLoopGroup, logger: Logger) {
        (self.handle, self.loop, self.logger) = (handle, loop, logger)
    }

    func start() {
        let run = Task { [handle, logger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard !Task.isCancelled else { return }
                do {
                    try await handle.eventLoop.submit { try handle.run("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in } }.get()
                } catch {
                    // The writer's own checkpoints take over until this succeeds again.
                    logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
        }
        task.withLock { $0 = run }
    }

    /// Stops checkpointing, waiting for a checkpoint running now, and closes the connection.
    func stop() async {
        let run = task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        run?.cancel()
        await run?.value
        try? await handle.eventLoop.submit { [handle] in handle.close() }.get()
        try? await loop.shutdownGracefully()
    }
}
