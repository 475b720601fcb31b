import Foundation
import Logging
import QuireAPI
import QuireCore
import QuireJobs
import QuireStore

/// Everything `quire` can be told, from flags first, then `QUIRE_*` environment variables, then defaults.
public struct QuireConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var databaseURL = DatabaseURL.defaultSQLite
    /// Connections per process: PostgreSQL pool size, or the number of SQLite reader connections;
    /// unless set, `postgresPoolSize` on PostgreSQL.
    public var poolSize = 4
    /// PostgreSQL's pool unless set: a statement there waits on another process and the network,
    /// so more of them in flight keep the cores busy. Small seed, release, 64 connections, the
    /// machine idle, alternating runs: the deep home page (a cursor page, one statement) 3,304,
    /// 3,330 and 3,219 req/s with 4 connections, 3,887, 3,831 and 3,775 with 8, 4,507, 3,994 and
    /// 4,557 with 16; the mixed load 2,441 and 2,146 with 4 (p99 50 and 55 ms), 2,542 and 2,446
    /// with 8 (52 and 55), 2,491 and 2,548 with 16 (74 and 71): 16's longer tail made it 8. The
    /// large seed said the same (BENCHMARKS.md, after the large table): the deep page 3,800 to
    /// 3,900 req/s with 8, 4,500 to 4,600 with 16; the mixed load's p99 57 ms with 8, 79 with 16.
    public static let postgresPoolSize = 8
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.text
    public var maxBodyBytes = 1 << 20
    /// bcrypt work factor for new password hashes (QUIRE_BCRYPT_COST); tests lower it to stay fast.
    public var bcryptCost: UInt8 = 12
    /// The job worker inside `quire serve` and `quire worker` (QUIRE_WORKERS sets its concurrency).
    public var worker = WorkerConfiguration()
    /// When set (QUIRE_METRICS_TOKEN), /metrics answers only `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// Where `quire worker` serves its own /metrics and /healthz, on `host` (QUIRE_METRICS_PORT);
    /// nil serves nothing. `quire serve` answers /metrics on its HTTP port.
    public var metricsPort: Int?
    /// SQL statements slower than this are logged with their SQL text (QUIRE_SLOW_STATEMENT_MS,
    /// 0 turns it off); nil logs none.
    public var slowStatementThreshold: Duration? = .milliseconds(200)
    /// Authors with more followers than this are broadcasters, merged into home timelines when
    /// read instead of copied into each follower's when posted (QUIRE_FANOUT_LIMIT).
    public var fanoutLimit = TimelineRules.defaultFanoutLimit
    /// How long a signed-in session read from the database is trusted in this process on SQLite
    /// (QUIRE_SESSION_CACHE_SECONDS, 0 turns the cache off on both engines): the longest a
    /// sign-out made through another process goes unseen here. PostgreSQL's processes hear of it
    /// at once, and keep a session until it ends (SessionCache).
    public var sessionCacheTTL = Duration.seconds(5)
    /// Reverse proxies whose X-Forwarded-For names the client, for the login throttle's per-address
    /// limits (QUIRE_TRUSTED_PROXIES, comma-separated addresses or CIDR ranges); none by default,
    /// so the connection's own address counts.
    public var trustedProxies = TrustedProxies()
    /// When the nightly counters.repair runs, as a cron expression in UTC (QUIRE_REPAIR_CRON).
    public var repairCron = Schedule.defaultRepairCron
    /// Each SQLite connection's page cache in KiB; nil for the default (1 MiB, `SQLiteConnections.defaultCacheKiB`).
    public var sqliteCacheKiB: Int?
    /// Each in-process cache's size (QUIRE_CACHE_ENTRIES, 0 turns them off; QUIRE_CACHE_MIB).
    public var cacheLimits = CacheLimits.standard
    /// Export files: where, how long, how often (QuireConfiguration+Exports).
    public var exports = ExportSettings(dataDirectory: "./quire-data")
    /// When expired export files are removed; `off` for never.
    public var exportsPruneCron = Schedule.defaultExportsPruneCron
    /// The largest import upload (`QUIRE_MAX_IMPORT_BYTES`).
    public var maxImportBytes: Int64 = 50 << 20
    /// Rows an import writes a transaction (`QUIRE_IMPORT_BATCH_ROWS`).
    public var importBatchRows = 500
    /// When the nightly catalog jobs and the counter check run (QuireConfiguration+Schedules).
    public var schedules = ScheduleSettings()
    /// How long a graceful shutdown waits for in-flight requests before cancelling them.
    public var shutdownGrace = Duration.seconds(10)

    public init() {}

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    /// Values as given on the command line, each nil when the flag was not used.
    public struct Overrides: Sendable {
        public var host: String?
        public var port: Int?
        public var databaseURL: String?
        public var poolSize: Int?
        public var logLevel: String?
        public var logFormat: String?
        public var workers: Int?
        public var slowStatementMS: Double?
        public var metricsPort: Int?
        public init() {}
    }

    /// Resolves flags over the environment over defaults, checking each value.
    public static func resolve(
        _ flags: Overrides, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> QuireConfiguration {
        var configuration = QuireConfiguration()
        func value(_ flag: String?, _ variable: String) -> (String, String)? {
            if let flag { return (flag, "--" + variable.dropFirst("QUIRE_".count).lowercased().replacingOccurrences(of: "_", with: "-")) }
            if let env = environment[variable], !env.isEmpty { return (env, variable) }
            return nil
        }
        if let (text, source) = value(flags.host, "QUIRE_HOST") {
            guard !text.isEmpty else { throw ConfigurationError("\(source) must not be empty") }
            configuration.host = text
        }
        if let (text, source) = value(flags.port.map(String.init), "QUIRE_PORT") {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigurationError("\(source) must be a port number from 0 to 65535, got \(text)")
            }
            configuration.port = port
        }
        if let (text, source) = value(flags.metricsPort.map(String.init), "QUIRE_METRICS_PORT") {
            guard let port = Int(text), (0...65535).contains(port) else {
                throw ConfigurationError("\(source) must be a port number from 0 to 65535, got \(text)")
            }
            configuration.metricsPort = port
        }
        if let (text, source) = value(flags.databaseURL, "QUIRE_DATABASE_URL") {
            do { configuration.databaseURL = try DatabaseURL(parsing: text) } catch {
                throw ConfigurationError("\(source): \(error)")
            }
        }
        if let (text, source) = value(flags.poolSize.map(String.init), "QUIRE_POOL_SIZE") {
            guard let size = Int(text), (1...200).contains(size) else {
                throw ConfigurationError("\(source) must be a number from 1 to 200, got \(text)")
            }
            configuration.poolSize = size
        } else if case .postgres = configuration.databaseURL {
            configuration.poolSize = Self.postgresPoolSize
        }
        if let (text, source) = value(flags.logLevel, "QUIRE_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(source) must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got \(text)")
            }
            configuration.logLevel = level
        }
        if let (text, source) = value(flags.logFormat, "QUIRE_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(source) must be text or json, got \(text)")
            }
            configuration.logFormat = format
        }
        if let (text, source) = value(flags.workers.map(String.init), "QUIRE_WORKERS") {
            guard let count = Int(text), (0...1000).contains(count) else {
                throw ConfigurationError("\(source) must be a number from 0 (no worker) to 1000, got \(text)")
            }
            configuration.worker.concurrency = count
        }
        if let (text, source) = value(flags.slowStatementMS.map { "\($0)" }, "QUIRE_SLOW_STATEMENT_MS") {
            // Bounded before the conversion: Int64(1e300 * 1000) would trap.
            guard let milliseconds = Double(text), (0...3_600_000).contains(milliseconds) else {
                throw ConfigurationError("\(source) must be a number of milliseconds up to 3600000, 0 to log no statement, got \(text)")
            }
            configuration.slowStatementThreshold = milliseconds == 0 ? nil : .microseconds(Int64(milliseconds * 1000))
        }
        if let text = environment["QUIRE_JOB_RESCUE_AFTER"], !text.isEmpty {
            guard let seconds = Double(text), (0.5...86_400).contains(seconds) else {
                throw ConfigurationError("QUIRE_JOB_RESCUE_AFTER must be a number of seconds from 0.5 to 86400, got \(text)")
            }
            configuration.worker.rescueAfter = .milliseconds(Int(seconds * 1000))
            configuration.worker.heartbeatInterval = min(.seconds(1), .milliseconds(Int(seconds * 1000 / 4)))
        }
        if let text = environment["QUIRE_METRICS_TOKEN"], !text.isEmpty {
            configuration.metricsToken = text
        }
        if let text = environment["QUIRE_MAX_BODY_BYTES"], !text.isEmpty {
            guard let bytes = Int(text), bytes >= 1024 else {
                throw ConfigurationError("QUIRE_MAX_BODY_BYTES must be a number of bytes, at least 1024, got \(text)")
            }
            configuration.maxBodyBytes = bytes
        }
        if let text = environment["QUIRE_BCRYPT_COST"], !text.isEmpty {
            guard let cost = UInt8(text), (4...16).contains(cost) else {
                throw ConfigurationError("QUIRE_BCRYPT_COST must be a number from 4 to 16, got \(text)")
            }
            configuration.bcryptCost = cost
        }
        if let text = environment["QUIRE_FANOUT_LIMIT"], !text.isEmpty {
            guard let limit = Int(text), limit >= 0 else {
                throw ConfigurationError("QUIRE_FANOUT_LIMIT must be a number of followers, 0 or more, got \(text)")
            }
            configuration.fanoutLimit = limit
        }
        if let text = environment["QUIRE_SESSION_CACHE_SECONDS"], !text.isEmpty {
            guard let seconds = Double(text), (0...300).contains(seconds) else {
                throw ConfigurationError("QUIRE_SESSION_CACHE_SECONDS must be a number of seconds from 0 (no cache) to 300, got \(text)")
            }
            configuration.sessionCacheTTL = .microseconds(Int64(seconds * 1_000_000))
        }
        if let text = environment["QUIRE_TRUSTED_PROXIES"], !text.isEmpty {
            do { configuration.trustedProxies = try TrustedProxies(parsing: text) } catch {
                throw ConfigurationError("QUIRE_TRUSTED_PROXIES \(error)")
            }
        }
        if let text = environment["QUIRE_SQLITE_CACHE_KIB"], !text.isEmpty {
            guard let kib = Int(text), (64...4_194_304).contains(kib) else {
                throw ConfigurationError("QUIRE_SQLITE_CACHE_KIB must be a number of KiB from 64 to 4194304, got \(text)")
            }
            configuration.sqliteCacheKiB = kib
        }
        if let text = environment["QUIRE_CACHE_ENTRIES"], !text.isEmpty {
            guard let entries = Int(text), (0...10_000_000).contains(entries) else {
                throw ConfigurationError("QUIRE_CACHE_ENTRIES must be a number of entries from 0 (no caches) to 10000000, got \(text)")
            }
            configuration.cacheLimits.entries = entries
        }
        if let text = environment["QUIRE_CACHE_MIB"], !text.isEmpty {
            guard let mib = Int(text), (1...65_536).contains(mib) else {
                throw ConfigurationError("QUIRE_CACHE_MIB must be a number of MiB from 1 to 65536, got \(text)")
            }
            configuration.cacheLimits.bytes = mib << 20
        }
        try resolveExports(&configuration, environment: environment)
        try resolveImports(&configuration, environment: environment)
        try resolveSchedules(&configuration, environment: environment)
        return configuration
    }
}

/// A configuration value that can't work, said in one line.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
