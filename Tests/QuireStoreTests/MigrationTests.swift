import QuireCore
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

    /// Migration 13 cuts a match key stored before it to `CatalogMatchKey.maxLength` scalars, as
    /// keys are made now, so an import still finds that book; shorter keys stay as they were.
    @Test(arguments: TestEngine.all)
    func matchKeysLongerThanTheCapAreCutToIt(engine: TestEngine) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup: version 12, with a long key (compressible, so PostgreSQL's index takes it)
            try await Migrator(database: database, migrations: Migrations.all.filter { $0.version <= 12 }).migrate()
            let long = String(repeating: "ж", count: 700) + "|x"
            try await database.write { db in
                try await db.raw("INSERT INTO works (id, title, created_at) VALUES (7, 'w', 0)").run()
                try await db.raw("""
                    INSERT INTO editions (id, work_id, title, match_key, created_at, updated_at)
                    VALUES (1, 7, 'long', \(bind: long), 0, 0), (2, 7, 'short', 'short|x', 0, 0)
                    """).run()
            }

            // call
            let applied = try await Migrator(database: database).migrate()

            // check
            #expect(applied.map(\.version).contains(13))
            let keys = try await database.read { db in
                try await db.raw("SELECT match_key FROM editions ORDER BY id").all().map { try $0.decode(column: "match_key", as: String.self) }
            }
            #expect(keys == [String(repeating: "ж", count: CatalogMatchKey.maxLength), "short|x"])
            #expect(CatalogMatchKey.make(title: String(repeating: "ж", count: 700), firstAuthor: "x") == keys[0], "what an import computes")
        }
    }

    /// Migration 14 turns the formats imports stored as another service wrote them into the
    /// API's words, and leaves the API's own and empty ones.
    @Test(arguments: TestEngine.all)
    func physicalFormatsStoredAsWrittenBecomeTheAPIsWords(engine: TestEngine) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup: version 13, with one edition a format
            try await Migrator(database: database, migrations: Migrations.all.filter { $0.version <= 13 }).migrate()
            let stored: [String?] = ["Kindle Edition", "Hardcover", "paperback", nil, "  ", "Board book"]
            try await database.write { db in
                try await db.raw("INSERT INTO works (id, title, created_at) VALUES (7, 'w', 0)").run()
                for (index, format) in stored.enumerated() {
                    try await db.raw("""
                        INSERT INTO editions (id, work_id, title, physical_format, created_at, updated_at)
                        VALUES (\(bind: index + 1), 7, 'e', \(bind: format), 0, 0)
                        """).run()
                }
            }

            // call
            try await Migrator(database: database).migrate()

            // check
            let formats = try await database.read { db in
                try await db.raw("SELECT physical_format FROM editions ORDER BY id").all().map { try $0.decode(column: "physical_format", as: String?.self) }
            }
            #expect(formats == ["ebook", "hardcover", "paperback", nil, nil, "other"])
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
