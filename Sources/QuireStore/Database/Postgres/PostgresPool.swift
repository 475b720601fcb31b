import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// PostgreSQL's connection pool, replaced by a fresh one when `PostgresOutage` finds the server
/// down and again when it is back.
///
/// Why: a lease waiting in PostgresNIO's pool when the server goes keeps waiting while the pool
/// tries to reconnect, until its circuit breaker trips after 15 s of failures; nothing can end
/// that wait from outside but cancelling the task that waits, which is the request's own (its
/// HTTP connection's) or the job worker's. A pool that stops fails every lease waiting in it at
/// once (`ConnectionPoolError.poolShutdown`), which the outage answers as a 503. The fresh pool
/// made as the server returns starts with none of the old one's reconnection backoff or breaker.
/// Ending each wait instead, with every lease in a child task the outage could cancel, cost the
/// deep home page 10,000 4 to 6% (a child task and two hops on every statement's lease).
final class PostgresPool: Sendable {
    private let configuration: PostgresClient.Configuration
    private let loops: PostgresConnectionLoops
    private let logger: Logger
    /// The pool leases are taken from, and the continuation whose end stops it: one lock, so
    /// that two replacements at once can't leave a stopped pool in place.
    private let current: Mutex<(client: PostgresClient, stop: AsyncStream<Void>.Continuation)>
    /// Each pool to run, with the stream whose end stops it.
    private let started: AsyncStream<(PostgresClient, AsyncStream<Void>)>
    private let start: AsyncStream<(PostgresClient, AsyncStream<Void>)>.Continuation

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.loops = PostgresConnectionLoops()
        self.logger = logger
        let client = PostgresClient(configuration: configuration, eventLoopGroup: loops, backgroundLogger: logger)
        let (stopped, stop) = AsyncStream<Void>.makeStream()
        self.current = Mutex((client, stop))
        (started, start) = AsyncStream.makeStream()
        start.yield((client, stopped))
    }

    /// The pool to lease from now.
    var client: PostgresClient { current.withLock { $0.client } }

    /// Stops the pool leases are taken from and puts a fresh one in its place.
    func replace() {
        let client = PostgresClient(configuration: configuration, eventLoopGroup: loops, backgroundLogger: logger)
        let (stopped, stop) = AsyncStream<Void>.makeStream()
        let old = current.withLock { current in
            defer { current = (client, stop) }
            start.yield((client, stopped))
            return current.stop
        }
        old.finish()
    }

    /// Runs each pool until it is replaced, until cancelled or shut down gracefully (each pool
    /// stops by itself then, and no new one starts).
    func run() async {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await (client, stopped) in started {
                    group.addTask {
                        await withTaskGroup(of: Void.self) { pool in
                            pool.addTask { await client.run() }
                            pool.addTask { for await _ in stopped {} }
                            await pool.next()
                            pool.cancelAll()
                        }
                    }
                }
            } onGracefulShutdown: {
                self.start.finish()
            }
            group.cancelAll()
        }
    }
}
