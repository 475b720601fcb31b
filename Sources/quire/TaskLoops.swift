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
enum TaskLoops {
    static func install(for url: DatabaseURL) {
        guard case .postgres = url else { return }
        // Before any server or pool starts; NIO refuses a second call, and startUp runs once.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
