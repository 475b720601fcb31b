import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import ServiceLifecycle
import Synchronization

/// Quire's database: one API over SQLite and PostgreSQL. Every statement runs through
/// `read` or `write`, which hand out a metered `SQLDatabase` (see `StatementMeter`).
public final class Database: Sendable {
    public let engine: DatabaseEngine
    public let url: DatabaseURL
    public let logger: Logger
    /// Statements slower than its threshold are logged; nil logs none.
    let slowStatements: SlowStatementLog?
    /// What reads may answer from memory; writes drop what they change when they commit.
    public let caches: Caches
    private let backend: Backend
    private let running = Mutex(false)

    private enum Backend: Sendable {
        case sqlite(SQLiteConnections)
        case postgres(PostgresPool, PostgresOutage, PostgresStatementNames)
    }

    private init(url: DatabaseURL, backend: Backend, logger: Logger, slowStatementThreshold: Duration?, cacheLimits: CacheLimits) {
        self.url = url
        self.engine = url.engine
        self.backend = backend
        // On PostgreSQL other processes write too: nothing is served from memory until the
        // listener hears their changes (`CacheListener`).
        self.caches = Caches(limits: cacheLimits, trusted: url.engine == .sqlite)
        self.logger = logger
        self.slowStatements = slowStatementThreshold.map { SlowStatementLog(threshold: $0, logger: logger) }
    }

    /// Opens the database. SQLite files are created on first open; PostgreSQL connections are made
    /// lazily by the pool once `run()` is running. Statements slower than `slowStatementThreshold`
    /// are logged to `logger` with their SQL (never their bound values). `sqliteCacheKiB` sizes
    /// each SQLite connection's page cache (nil: `SQLiteConnections.defaultCacheKiB`);
    /// `cacheLimits` each in-process cache (`Caches`). `keepsConnections`: on PostgreSQL the pool
    /// keeps one connection open with no timers and closes the others after a few idle seconds
    /// (see `PostgresClient.Configuration` below); tests, which open hundreds of small databases
    /// at once, pass false for PostgresNIO's defaults (connections opened as needed, closed after
    /// a minute idle, keep-alive queries).
    public static func open(
        _ url: DatabaseURL, poolSize: Int, slowStatementThreshold: Duration? = nil, sqliteCacheKiB: Int? = nil,
        cacheLimits: CacheLimits = .standard, keepsConnections: Bool = true, logger: Logger
    ) async throws -> Database {
        switch url {
        case .sqlite(let path):
            let connections = try await SQLiteConnections.open(path: path, readers: max(1, poolSize), cacheKiB: sqliteCacheKiB, logger: logger)
            return Database(url: url, backend: .sqlite(connections), logger: logger, slowStatementThreshold: slowStatementThreshold,
                            cacheLimits: cacheLimits)
        case .postgres(let text):
            let configuration = try PostgresClient.Configuration(url: text, poolSize: poolSize, keepsConnections: keepsConnections)
            try await preflight(text, logger: logger)
            let pool = PostgresPool(configuration: configuration, logger: logger)
            let outage = PostgresOutage(url: text, logger: logger, replacePool: { pool.replace() })
            return Database(url: url, backend: .postgres(pool, outage, PostgresStatementNames()), logger: logger,
                            slowStatementThreshold: slowStatementThreshold, cacheLimits: cacheLimits)
        }
    }

    /// One direct connection before the pool starts, so an unreachable server or a refused login
    /// is reported at once with its reason, instead of as a pool that keeps retrying.
    private static func preflight(_ url: String, logger: Logger) async throws {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError {
            let reason = error.serverInfo?[.message] ?? String(describing: error.underlying ?? error)
            let short = reason.contains("Connection refused") ? "connection refused" : reason
            throw DatabaseError.unavailable("cannot connect to \(DatabaseURL.redacted(url)): \(short)")
        }
    }

    /// Runs what the engine needs in the background (PostgreSQL's pool) until cancelled or shut down
    /// gracefully, then closes the connections.
    /// A second call (the database handed to two service groups, as in tests) only waits.
    public func run() async throws {
        guard running.withLock({ (already: inout Bool) in defer { already = true }; return !already }) else {
            try? await gracefulShutdown()
            return
        }
        switch backend {
        case .sqlite(let connections):
            try? await gracefulShutdown()
            await connections.close()
        case .postgres(let pool, let outage, _):
            // The outage watcher lives as long as the pool.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await pool.run() }
                group.addTask { await outage.watch() }
                // Above the requests' priority: a drop heard at the moment a read is queued runs
                // first, so the read doesn't answer from the entry the drop was about to remove.
                group.addTask(priority: .high) { await CacheListener(url: self.url, caches: self.caches, logger: self.logger).run() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Runs `body` on a connection for reading. On SQLite this is one of the reader connections,
    /// so reads never wait for the writer. The body is first tried from the caches alone, with no
    /// connection (`CacheFirstRead`): a read that needs no statement takes none from the pool. So
    /// what a body does before its first statement may run twice: reading, never writing out.
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connections):
            if let answer = try await CacheFirstRead.attempt(body, caches: caches, logger: logger, dialect: SQLiteDialect()) { return answer }
            return try await connections.readers.with { try await body(MeteredSQLDatabase(base: $0.sql, slow: slowStatements, caches: caches)) }
        case .postgres(let pool, let outage, let names):
            try outage.check()
            if let answer = try await CacheFirstRead.attempt(body, caches: caches, logger: logger, dialect: PostgresDialect()) { return answer }
            return try await Self.withConnection(pool, outage) { connection in
                let base = PostgresStatementDatabase(connection: connection, names: names, inTransaction: false)
                return try await body(MeteredSQLDatabase(base: base, slow: slowStatements, caches: caches))
            }
        }
    }

    /// Runs `body` on a connection for batch work that reads many pages once (an export): on
    /// SQLite a reader of its own that reads with pread into a 2 MiB page cache rather than
    /// through mmap, so the pages it passes over are not mapped into the process (see
    /// `SQLiteConnections.bulk`); on PostgreSQL the same as `read`.
    public func bulkRead<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let connections):
            return try await connections.bulk.with { try await body(MeteredSQLDatabase(base: $0.sql, slow: slowStatements)) }
        case .postgres:
            return try await read(body)
        }
    }

    /// Runs `body` in one write transaction for batch work that passes over many pages (the
    /// nightly catalog jobs, an import's batches): on SQLite on the bulk connection (a 2 MiB page
    /// cache, no mmap) instead of the writer. Through the writer, a 20,000-row import into a
    /// 1,000,000-edition catalog mapped 313 MB of the file into the process; the writer's 64 MiB
    /// page cache kept every page of `work_stats` and `work_similar` a catalog run wrote, and its
    /// mmap every `works` page the foreign keys looked up (a debug run over 50,000 works peaked at
    /// 25 to 30 MB above the idle process, growing with the catalog). SQLite orders this transaction and the writer's by the file's write lock
    /// (`BEGIN IMMEDIATE` waits up to the busy timeout), as it does writers in other processes.
    /// On PostgreSQL the same as `write`.
    public func bulkWrite<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(sqlite: \.bulk, "BEGIN IMMEDIATE", postgres: "BEGIN", body)
    }

    /// Runs `body`'s reads in one read-only transaction, so every statement sees the same committed
    /// state: a SQLite reader's WAL snapshot (`BEGIN` takes it at the first read), or PostgreSQL's
    /// REPEATABLE READ. It never waits for the writer.
    public func snapshot<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(sqlite: \.readers, "BEGIN", postgres: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// SQLite starts it with `BEGIN IMMEDIATE` on the single writer connection, so it takes the
    /// write lock up front instead of failing with SQLITE_BUSY on its first write.
    public func write<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(sqlite: \.writer, "BEGIN IMMEDIATE", postgres: "BEGIN", body)
    }

    /// Runs `body`, which writes with one statement (reads may follow it), as its own transaction.
    /// On PostgreSQL no BEGIN and COMMIT are sent: the statement commits by itself, one round trip
    /// instead of three (the job queue's enqueues, claims and completions, thousands a second).
    /// On SQLite it is `write`: the writer connection is in this process, so BEGIN IMMEDIATE costs
    /// no round trip and still takes the write lock up front.
    public func writeStatement<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        guard case .postgres(let pool, let outage, let names) = backend else { return try await write(body) }
        return try await Self.withConnection(pool, outage) { connection in
            let changes = TransactionChanges(caches: caches)
            let base = PostgresStatementDatabase(connection: connection, names: names, inTransaction: false)
            let db = MeteredSQLDatabase(base: base, slow: slowStatements, changes: changes)
            let result: T
            do {
                result = try await body(db)
            } catch {
                caches.abandoned(changes)
                throw error
            }
            // The statement has committed by itself: others are told in a transaction of its own.
            let keys = changes.all
            caches.committed(changes)
            if !keys.isEmpty { try await Self.notify(keys, caches: caches, on: db) }
            return result
        }
    }

    /// `body` in a transaction begun with the engine's statement, on SQLite on a connection of `pool`.
    private func transaction<T: Sendable>(
        sqlite pool: KeyPath<SQLiteConnections, OwnedConnections<SQLiteHandle>> & Sendable, _ sqliteBegin: String, postgres postgresBegin: String,
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite(let connections):
            // The writer's and the bulk connection's transactions run on their own loops (`OwnedConnections.executor`).
            return try await connections[keyPath: pool].with { connection in
                let changes = TransactionChanges(caches: caches)
                let db = MeteredSQLDatabase(base: connection.sql, slow: slowStatements, changes: changes)
                return try await Self.transaction(db, begin: sqliteBegin, changes: changes, caches: caches, body)
            }
        case .postgres(let postgres, let outage, let names):
            return try await Self.withConnection(postgres, outage) { connection in
                let changes = TransactionChanges(caches: caches)
                let base = PostgresStatementDatabase(connection: connection, names: names, inTransaction: true)
                let db = MeteredSQLDatabase(base: base, slow: slowStatements, changes: changes)
                return try await Self.transaction(db, begin: postgresBegin, changes: changes, caches: caches, body)
            }
        }
    }

    /// `body` on one of the pool's connections: at once `unavailable` while the server is known
    /// to be down, and `unavailable` when the connection is lost or can't be had (`PostgresOutage`).
    private static func withConnection<T: Sendable>(
        _ pool: PostgresPool, _ outage: PostgresOutage, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try outage.check()
        do {
            return try await outage.leasing { granted in
                try await pool.client.withConnection { connection in
                    granted()
                    return try await body(connection)
                }
            }
        } catch {
            throw outage.translate(error)
        }
    }

    private static func transaction<T: Sendable>(
        _ db: any SQLDatabase, begin: String, changes: TransactionChanges, caches: Caches, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await db.execute(sql: SQLRaw(begin)) { _ in }
        do {
            let result = try await body(db)
            // PostgreSQL delivers a NOTIFY sent inside a transaction when, and only if, it commits.
            let keys = changes.all
            if db.isPostgres, !keys.isEmpty { try await notify(keys, caches: caches, on: db) }
            try await end(db, "COMMIT")
            caches.committed(changes)
            return result
        } catch {
            try? await end(db, "ROLLBACK")
            caches.abandoned(changes)
            throw error
        }
    }

    /// Ends a begun transaction even when the task has been cancelled (a job cancelled, a worker
    /// stopping): SQLiteNIO's async statements are skipped once their task is cancelled, ROLLBACK
    /// too, which left the connection inside the transaction, holding the write lock, and every
    /// later write on it failed ("cannot start a transaction within a transaction"). The future
    /// form runs whatever the task's state.
    private static func end(_ db: any SQLDatabase, _ statement: String) async throws {
        try await db.execute(sql: SQLRaw(statement)) { _ in }.get()
    }

    /// Tells other processes' caches (`CacheListener`) which keys changed.
    private static func notify(_ keys: Set<CacheKey>, caches: Caches, on db: any SQLDatabase) async throws {
        for payload in caches.payloads(keys) {
            try await db.raw("SELECT pg_notify(\(bind: CacheListener.channel), \(bind: payload))").run()
        }
    }

    /// Answers whether the database responds to a trivial query within `timeout`.
    public func ping(timeout: Duration = .seconds(5)) async throws {
        try await withDeadline(timeout, failure: DatabaseError.unavailable("database \(url) did not answer within \(timeout)")) {
            _ = try await self.read { try await $0.raw("SELECT 1 AS one").all() }
        }
    }

    /// Calls `onNotification` for each PostgreSQL NOTIFY on `channel`, until cancelled. Holds one
    /// pooled connection while it listens. SQLite has no notifications: it returns at once.
    public func listen(channel: String, onNotification: @escaping @Sendable () -> Void) async throws {
        guard case .postgres(let pool, _, _) = backend else { return }
        try await pool.client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await _ in notifications { onNotification() }
            }
        }
    }

    /// Connections in use and tasks waiting for one, for the pool metrics.
    public func poolUsage() async -> (inUse: Int, waiting: Int)? {
        switch backend {
        case .sqlite(let connections): (connections.readers.inUse + connections.writer.inUse, connections.readers.waiting + connections.writer.waiting)
        case .postgres(_, let outage, _): outage.usage
        }
    }
}

/// The database as a swift-service-lifecycle service: it goes last in the shutdown order.
public struct DatabaseService: Service {
    let database: Database
    public init(_ database: Database) { self.database = database }
    public func run() async throws { try await database.run() }
}

/// Runs `body`, throwing `failure` if it has not finished after `timeout`.
func withDeadline<T: Sendable>(
    _ timeout: Duration, failure: any Error & Sendable, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw failure }
        return result
    }
}

extension PostgresClient.Configuration {
    init(url: String, poolSize: Int, keepsConnections: Bool) throws {
        let core = try SQLPostgresConfiguration(url: url).coreConfiguration
        let tls: PostgresClient.Configuration.TLS =
            switch (core.tls.isEnforced, core.tls.isAllowed, core.tls.sslContext) {
            case (true, _, let context?): .require(context.configuration)
            case (_, true, let context?): .prefer(context.configuration)
            default: .disable
            }
        guard let host = core.host, let port = core.port else {
            throw DatabaseError.badConfiguration("postgres URL must name a host and port")
        }
        self.init(host: host, port: port, username: core.username, password: core.password, database: core.database, tls: tls)
        self.options.maximumConnections = max(1, poolSize)
        self.options.connectTimeout = .seconds(5)
        // Quire's statements are kept prepared (PostgresStatementDatabase), and a prepared
        // statement is planned afresh at each run for as long as PostgreSQL's estimate of its
        // generic plan stays above its custom plans' average: search's never came down (a prefix
        // tier's unknown tsquery looks costly), so every search was planned anew, 0.6 ms a run
        // against 0.11 with its generic plan. Quire's reads are chosen by their indexes, not by
        // their values, so every statement takes its generic plan from its first run.
        self.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        // Few pool timers. The pool arms a keep-alive timer (30 s) and an idle timer (60 s) each
        // time a connection goes back idle and cancels them at its next lease, and on Linux a
        // cancelled `Task.sleep` keeps its task (about 700 bytes) until the time it was set for
        // (swiftlang/swift#60441): with hundreds of leases a second that was tens of MB held at
        // any time (catalog.stats on PostgreSQL grew 23.7 MB at 1,000,000 editions, 5.3 at
        // 10,000). So there are no keep-alive queries (a connection that died while idle fails
        // its next statement, which `PostgresOutage` answers with a 503 until the server is
        // back), one connection is kept for good with no timer (the pool leases the first idle
        // connection, so sequential work, a job or a quiet server, runs on it alone), and the
        // others, opened when requests overlap, close after `idleTimeout`: a short timer holds
        // its cancelled sleeps for only that long.
        // Not all of them kept: PostgresNIO 1.33.2's pool, after an outage, reconnects one
        // connection and returns to running with fewer than its minimum, and its next lease that
        // needs another connection fails a precondition and stops the process (seen in
        // scripts/db-fault, one run in three, with the minimum at `poolSize`). With a minimum of
        // one, the connection it reconnected is that minimum.
        if keepsConnections {
            self.options.minimumConnections = 1
            self.options.keepAliveBehavior = nil
            self.options.connectionIdleTimeout = Self.idleTimeout
        }
    }

    /// How long a connection beyond the kept one stays open unused.
    static let idleTimeout = Duration.seconds(5)
}
