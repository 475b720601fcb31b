import Foundation
import SQLKit

/// Applies pending migrations. Each migration runs in its own transaction together with the row
/// that records it, so a failed migration leaves nothing behind and running twice is a no-op.
/// Two processes starting at once don't both migrate: on PostgreSQL each transaction first takes
/// a transaction-scoped advisory lock, on SQLite `BEGIN IMMEDIATE` holds the file's write lock,
/// and either way the applied list is read again under the lock.
public struct Migrator: Sendable {
    /// An arbitrary constant that names Quire's migration lock among PostgreSQL advisory locks.
    static let advisoryLockKey: Int64 = 0x5155_4952_454D_4947

    let database: Database
    let migrations: [Migration]

    public init(database: Database, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations
    }

    public struct Status: Sendable {
        public let applied: [(version: Int, name: String, appliedAt: Date)]
        public let pending: [Migration]
    }

    /// Applies every pending migration and returns the ones it applied.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        var applied: [Migration] = []
        try await ensureLedger()
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let didApply = try await database.write { db in
                try await lock(db)
                guard try await appliedVersions(db).contains(migration.version) == false else { return false }
                for statement in migration.statements(database.engine) {
                    do {
                        try await db.execute(sql: SQLRaw(statement)) { _ in }
                    } catch {
                        throw DatabaseError.migrationFailed(
                            "migration \(migration.version) (\(migration.name)) failed: \(String(reflecting: error))")
                    }
                }
                if let backfill = migration.backfill {
                    do {
                        try await backfill(db)
                    } catch {
                        throw DatabaseError.migrationFailed(
                            "migration \(migration.version) (\(migration.name)) failed filling rows: \(String(reflecting: error))")
                    }
                }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Timestamp.microsecondsNow()))
                    .run()
                return true
            }
            if didApply { applied.append(migration) }
        }
        return applied
    }

    public func status() async throws -> Status {
        try await ensureLedger()
        let rows = try await database.read { db in
            try await db.select().columns("version", "name", "applied_at").from("schema_migrations")
                .orderBy("version").all()
        }
        let applied = try rows.map { row in
            (version: try row.decode(column: "version", as: Int.self),
             name: try row.decode(column: "name", as: String.self),
             appliedAt: Timestamp.date(microseconds: try row.decode(column: "applied_at", as: Int64.self)))
        }
        let done = Set(applied.map(\.version))
        return Status(applied: applied, pending: migrations.filter { !done.contains($0.version) })
    }

    private func ensureLedger() async throws {
        try await database.write { db in
            try await lock(db)
            try await db.execute(sql: SQLRaw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """)) { _ in }
        }
    }

    private func lock(_ db: any SQLDatabase) async throws {
        guard database.engine == .postgres else { return }
        try await db.execute(sql: SQLQueryString("SELECT pg_advisory_xact_lock(\(bind: Self.advisoryLockKey))")) { _ in }
    }

    private func appliedVersions(_ db: any SQLDatabase) async throws -> Set<Int> {
        let rows = try await db.select().column("version").from("schema_migrations").all()
        return Set(try rows.map { try $0.decode(column: "version", as: Int.self) })
    }
}
