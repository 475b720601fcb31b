import Foundation
import Logging
import Metrics
import NIOCore
import SQLKit
import Synchronization

/// The one choke point every SQL statement passes through: it counts and times each statement
/// (Prometheus metrics by kind) and hands it to the task's `StatementRecorder`, if any, so a
/// request can report its statement count and a test can assert query counts.
struct MeteredSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let slow: SlowStatementLog?
    /// The keys a write transaction changes (nil outside one), and the caches a read may use.
    var changes: TransactionChanges? = nil
    var caches: Caches? = nil
    /// Set while a read is tried from the caches alone: its first statement ends the try.
    var cacheFirst: CacheFirstRead? = nil

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        if let cacheFirst { return eventLoop.makeFailedFuture(cacheFirst.refuse()) }
        let sql = serialize(query).sql
        let start = ContinuousClock.now
        // Taken here: the future completes on an event loop, outside the task and its recorder.
        let recorder = StatementRecorder.current
        return base.execute(sql: query, onRow).always { _ in
            StatementMeter.record(sql: sql, duration: ContinuousClock.now - start, slow: slow, recorder: recorder)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        if let cacheFirst { throw cacheFirst.refuse() }
        let (sql, binds) = serialize(query)
        let start = ContinuousClock.now
        defer { StatementMeter.record(sql: sql, binds: binds, duration: ContinuousClock.now - start, slow: slow) }
        // Handed on already serialized, so the driver doesn't serialize the query a second time.
        try await base.execute(sql: RecordedStatement(sql: sql, binds: binds), onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { [slow, changes, caches, cacheFirst] in
            try await closure(MeteredSQLDatabase(base: $0, slow: slow, changes: changes, caches: caches, cacheFirst: cacheFirst))
        }
    }
}

/// Statement kinds used as the metric label; a small fixed set keeps the label cardinality bounded.
enum StatementKind: String, CaseIterable {
    case select, insert, update, delete, transaction, ddl, other

    init(sql: String) {
        let keyword = sql.prefix { !$0.isWhitespace && $0 != "(" }.lowercased()
        switch keyword {
        case "select", "with": self = .select
        case "insert": self = .insert
        case "update": self = .update
        case "delete": self = .delete
        case "begin", "commit", "rollback", "savepoint", "release": self = .transaction
        case "create", "alter", "drop": self = .ddl
        default: self = .other
        }
    }
}

enum StatementMeter {
    private struct Instruments {
        let counter: Counter
        let timer: Metrics.Timer
    }

    // Built once per kind: looking metrics up in the factory on every statement would cost a lock each time.
    private static let instruments: [StatementKind: Instruments] = Dictionary(
        uniqueKeysWithValues: StatementKind.allCases.map { kind in
            let dimensions = [("kind", kind.rawValue)]
            return (kind, Instruments(
                counter: Counter(label: "quire_sql_statements_total", dimensions: dimensions),
                timer: Metrics.Timer(label: "quire_sql_statement_duration_seconds", dimensions: dimensions)
            ))
        }
    )

    static func record(
        sql: String, binds: [any Encodable & Sendable] = [], duration: Duration, slow: SlowStatementLog? = nil,
        recorder: StatementRecorder? = StatementRecorder.current
    ) {
        let kind = StatementKind(sql: sql)
        if let instruments = instruments[kind] {
            instruments.counter.increment()
            instruments.timer.recordNanoseconds(duration.nanoseconds)
        }
        recorder?.record(sql: sql, binds: binds, duration: duration)
        if let slow, duration >= slow.threshold { slow.log(sql: sql, kind: kind, duration: duration) }
    }
}

/// Logs each statement that runs longer than `threshold`, at warning, with its SQL text, kind and
/// duration. The text is the statement as sent, with placeholders (`$1`, `?`) where the values
/// go: bound values (passwords, tokens, e-mail addresses) never reach the log.
public struct SlowStatementLog: Sendable {
    public let threshold: Duration
    let logger: Logger

    public init(threshold: Duration, logger: Logger) {
        self.threshold = threshold
        self.logger = logger
    }

    func log(sql: String, kind: StatementKind, duration: Duration) {
        logger.warning("slow statement", metadata: [
            "sql": "\(sql)",
            "kind": "\(kind.rawValue)",
            "duration_ms": "\(Double(duration.nanoseconds / 1000) / 1000)",
            "threshold_ms": "\(Double(threshold.nanoseconds / 1000) / 1000)",
        ])
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Collects the statements run by one task tree: a request (for its log line) or a test (for query counts).
public final class StatementRecorder: Sendable {
    @TaskLocal public static var current: StatementRecorder?

    private let state = Mutex<(statements: [RecordedStatement], nanoseconds: Int64)>(([], 0))

    /// A recorder started inside another's scope (a request inside a test) reports to both.
    private let parent: StatementRecorder?

    public init(parent: StatementRecorder? = StatementRecorder.current) {
        self.parent = parent
    }

    /// The SQL text of each statement, in order, without parameter values.
    public var statements: [String] { state.withLock { $0.statements.map(\.sql) } }
    /// The statements with their bound values, for tests that replay them (query plans).
    public var recorded: [RecordedStatement] { state.withLock { $0.statements } }
    public var count: Int { state.withLock { $0.statements.count } }
    public var totalDuration: Duration { .nanoseconds(state.withLock { $0.nanoseconds }) }

    func record(sql: String, binds: [any Encodable & Sendable], duration: Duration) {
        state.withLock {
            $0.statements.append(RecordedStatement(sql: sql, binds: binds))
            $0.nanoseconds += duration.nanoseconds
        }
        parent?.record(sql: sql, binds: binds, duration: duration)
    }

    /// Runs `body` with a fresh recorder and returns it with the body's result.
    public static func recording<T>(_ body: () async throws -> T) async rethrows -> (T, StatementRecorder) {
        let recorder = StatementRecorder()
        let result = try await $current.withValue(recorder) { try await body() }
        return (result, recorder)
    }
}

/// One statement as it was run: its SQL text and bound values.
public struct RecordedStatement: Sendable, SQLExpression {
    public let sql: String
    public let binds: [any Encodable & Sendable]

    /// The same statement behind a prefix such as `EXPLAIN QUERY PLAN `, with the same binds.
    public func prefixed(_ prefix: String) -> RecordedStatement {
        RecordedStatement(sql: prefix + sql, binds: binds)
    }

    public func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds += binds
    }
}
