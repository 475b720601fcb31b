import NIOCore
import NIOPosix
import QuireStore

/// Where Swift's tasks run: on PostgreSQL, on NIO's shared event loops, the loops PostgreSQL's
/// connections and the HTTP server's channels are on; on SQLite, on Swift's own pool.
///
/// A request's task used to run on Swift's pool and each statement on its connection's loop
/// (`PostgresStatementDatabase`), so a PostgreSQL read crossed threads four times: channel to task,
/// task to connection, its rows back, its answer to the channel. A perf profile of the deep home
/// page (a cursor page, one statement; 64 connections, 2 cores) had the kernel's task switches
/// among the largest costs of the pool's threads. With tasks on the loops (and the connections
/// spread over them, `PostgresConnectionLoops`), the same page took about 11% less of `quire`'s CPU
/// a request. On SQLite, whose statements run on the task's own thread (they are calls into the
/// library, not messages), the mixed load was 15% slower this way (2,779 and 2,534 req/s against
/// 3,339 and 2,906), so there tasks stay on Swift's pool.
///
/// Tried once before without more: at the large scale, the web home page under load then had
/// requests past 5 s, since the cache listener's echoes, sent by a task and read on a shared loop,
/// came back late (21 ms on average against 0.95), and the caches stopped serving while they
/// were (`CacheFreshness`). The listener now has a loop of its own (`CacheListener.loop`).
/// Measured after, small seed, PostgreSQL, release, 64 connections, alternating runs against the
/// same build without this: the mixed load 2,192, 1,937, 1,947 req/s against 2,537, 2,374, 2,213
/// (p99 54 to 64 ms against 46 to 61), the web home page's p99 471 and 468 ms against 185 and 153;
/// no lookup sent to the database for an old echo either way, and no error.
enum TaskLoops {
    static func install(for url: DatabaseURL) {
        guard case .postgres = url else { return }
        // Before any server or pool starts; NIO refuses a second call, and startUp runs once.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
