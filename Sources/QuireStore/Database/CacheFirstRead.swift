import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// A read first tried with no connection at all, from the process's caches alone: a warm profile,
/// ISBN, edition, signed-out status or shelf page runs no statement, and then takes no connection
/// from the pool. The body's first statement ends the try (`CacheFirstRead.NeedsConnection`
/// thrown, the body's result or error set aside), and `Database.read` runs the body again on a
/// connection, from the start.
///
/// Why: on PostgreSQL every read leased one of the pool's connections (4 by default) before its
/// body ran. At 64 connections those statement-free reads reached 0.36 to 0.44 of SQLite's rate
/// against 0.65 to 0.72 on one connection (BENCHMARKS.md, the large run at 570f7b0): each waited
/// its turn for a connection it never used. On SQLite the same lease hopped to a reader's thread.
///
/// Why again from the start rather than leasing at the first statement and going on: PostgresNIO
/// keeps its lease private, and holding `withConnection` open from a task of its own hung a read
/// in `scripts/db-fault`. A read body only reads, so running its cached part twice is safe:
/// - what it found in the caches is counted once (`CacheTally`, kept only when the try answers);
/// - the try is over at its first statement whatever the body does with the error: a body that
///   catches it and answers anyway is still run again, since `attempted` was set.
final class CacheFirstRead: Sendable {
    private let attempted = Atomic(false)

    /// Whether the body tried to run a statement.
    var neededConnection: Bool { attempted.load(ordering: .acquiring) }

    /// Called by `MeteredSQLDatabase` in place of the statement.
    func refuse() -> any Error {
        attempted.store(true, ordering: .releasing)
        return NeedsConnection()
    }

    struct NeedsConnection: Error {}

    /// `body`'s answer when it ran no statement; nil when it needed one.
    static func attempt<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T, caches: Caches, logger: Logger, dialect: any SQLDialect
    ) async throws -> T? {
        let read = CacheFirstRead()
        let tally = CacheTally()
        let outcome: Result<T, any Error>
        do {
            let database = MeteredSQLDatabase(base: NoConnection(logger: logger, dialect: dialect), slow: nil, caches: caches, cacheFirst: read)
            outcome = .success(try await CacheTally.$current.withValue(tally) { try await body(database) })
        } catch {
            outcome = .failure(error)
        }
        guard !read.neededConnection else { return nil }
        tally.count()
        return try outcome.get()
    }
}

/// The database under a cache-first try: `MeteredSQLDatabase` refuses every statement before it
/// gets here, and this refuses again should one arrive another way.
private struct NoConnection: SQLDatabase {
    let logger: Logger
    let dialect: any SQLDialect
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        eventLoop.makeFailedFuture(CacheFirstRead.NeedsConnection())
    }
}
