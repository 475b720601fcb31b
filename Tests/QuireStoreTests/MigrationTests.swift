import QuireStore
import SQLKit
import TestSupport
import Testing

@Suite struct MigrationTests {
    @Test(arguments: TestEngine.all)
    func migratesAFreshDatabaseOnceAndASecondRunChangesNothing(engine: TestEngine) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup
            let migrator = Migrator(database: database)
            let before = try await migrator.status()
            #expect(before.applied.isEmpty)
            #expect(before.pending.map(\.version) == Migrations.all.map(\.version))

            // call
            let first = try await migrator.migrate()
            let second = try await migrator.migrate()

            // check
            #expect(first.map(\.version) == Migrations.all.map(\.version))
            #expect(second.isEmpty)
            let after = try await migrator.status()
            #expect(after.pending.isEmpty)
            #expect(after.applied.map(\.version) == Migrations.all.map(\.version))
            let users = try await database.read { try await $0.select().column("id").from("users").all() }
            #expect(users.isEmpty)
        }
    }

    @Test func twoProcessesMigratingOnePostgresAtOnceApplyEachMigrationOnce() async throws {
        guard TestEngine.all.contains(.postgres) else { return }
        try await withTestDatabase(.postgres, migrated: false) { database in
            // setup: a second, independent connection pool on the same database, as a second process would have
            try await withOpenDatabase(database.url) { other in
                // call
                async let a = Migrator(database: database).migrate()
                async let b = Migrator(database: other).migrate()
                let (appliedByA, appliedByB) = try await (a, b)

                // check: every migration applied by exactly one of them, and recorded once
                #expect((appliedByA + appliedByB).map(\.version).sorted() == Migrations.all.map(\.version))
                let rows = try await database.read {
                    try await $0.select().column("version").from("schema_migrations").all()
                }
                #expect(rows.count == Migrations.all.count)
            }
        }
    }
}
