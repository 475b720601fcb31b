import Foundation
import Logging
import PostgresKit
import PostgresNIO
import QuireApp
import QuireStore

/// Runs `body` on a fresh database of the given engine, migrated unless `migrated` is false, and
/// removes it afterwards. PostgreSQL databases are copies of a template migrated once per test
/// process (`CREATE DATABASE ... TEMPLATE`), which takes milliseconds instead of a migration run.
public func withTestDatabase<T: Sendable>(
    _ engine: TestEngine, migrated: Bool = true, poolSize: Int = 4,
    logger: Logger = Logger(label: "quire-test"), slowStatementThreshold: Duration? = nil,
    _ body: @Sendable (Database) async throws -> T
) async throws -> T {
    // Before any statement: instruments made before the bootstrap would stay no-ops.
    MetricsSetup.bootstrap()
    let url: DatabaseURL
    let cleanup: @Sendable () async throws -> Void
    switch engine {
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quire-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        url = .sqlite(path: folder.appendingPathComponent("quire.sqlite").path)
        cleanup = { try? FileManager.default.removeItem(at: folder) }
    case .postgres:
        let name = "quire_t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        let template = migrated ? try await PostgresTemplate.shared.name() : "template0"
        try await PostgresAdmin.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
        url = .postgres(url: try PostgresAdmin.url(database: name))
        cleanup = { try await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
    do {
        let result = try await withOpenDatabase(url, poolSize: poolSize, logger: logger, slowStatementThreshold: slowStatementThreshold) { database in
            if migrated, engine == .sqlite { try await Migrator(database: database).migrate() }
            return try await body(database)
        }
        try await cleanup()
        engine.tally()
        return result
    } catch {
        try? await cleanup()
        throw error
    }
}

/// Opens `url`, runs the database's background work beside `body`, and closes it when `body` ends.
public func withOpenDatabase<T: Sendable>(
    _ url: DatabaseURL, poolSize: Int = 4, logger: Logger = Logger(label: "quire-test"), slowStatementThreshold: Duration? = nil,
    _ body: @Sendable (Database) async throws -> T
) async throws -> T {
    let database = try await Database.open(url, poolSize: poolSize, slowStatementThreshold: slowStatementThreshold, keepsConnections: false, logger: logger)
    return try await withBackground([{ try await database.run() }]) { try await body(database) }
}

/// Runs `background` tasks (services) beside `body`, then cancels them and waits for them to end.
public func withBackground<T: Sendable>(
    _ background: [@Sendable () async throws -> Void], _ body: () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in background { group.addTask { try await task() } }
        do {
            let result = try await body()
            group.cancelAll()
            try? await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Administrative statements on the test server (create and drop databases).
public enum PostgresAdmin {
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["QUIRE_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw TestSetupError("QUIRE_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
        }
        return url
    }

    /// The server URL pointed at another database.
    public static func url(database: String) throws -> String {
        guard var components = URLComponents(string: try serverURL()) else { throw TestSetupError("bad QUIRE_TEST_POSTGRES_URL") }
        components.path = "/" + database
        return components.string!
    }

    public static func execute(_ sql: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: try serverURL()).coreConfiguration
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "quire-test-admin"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "quire-test-admin"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The migrated template database, made once per test process.
actor PostgresTemplate {
    static let shared = PostgresTemplate()
    private var made: Task<String, any Error>?

    func name() async throws -> String {
        if let made { return try await made.value }
        let task = Task {
            let name = "quire_tpl_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
            try await PostgresAdmin.execute("CREATE DATABASE \(name) TEMPLATE template0")
            try await withOpenDatabase(.postgres(url: try PostgresAdmin.url(database: name)), poolSize: 1) { database in
                _ = try await Migrator(database: database).migrate()
            }
            return name
        }
        made = task
        return try await task.value
    }
}
