import Foundation
import QuireStore
import SQLKit
import TestSupport
import Testing

/// Statements kept prepared on PostgreSQL connections (`PostgresStatementDatabase`): parsed once
/// per connection, and never left unusable by a failure. PostgreSQL only, as SQLiteHandleTests is
/// SQLite only: this is the PostgreSQL driver layer. Each test has one connection, so every
/// statement meets the same connection's prepared statements.
@Suite(.enabled(if: TestEngine.all.contains(.postgres)))
struct PostgresStatementTests {
    private static let lookup = "SELECT username FROM users WHERE id = $1"

    @Test func aStatementRunAgainIsNotParsedAgain() async throws {
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // setup
            let id = try await database.write { try await UserQueries.create(NewUser(username: "ada", email: nil, passwordHash: nil), on: $0) }!.id

            // call
            for _ in 1...3 { _ = try await database.read { try await $0.raw("SELECT username FROM users WHERE id = \(bind: id)").all() } }

            // check: one prepared statement for the text, run three times
            let kept = try await Self.prepared(Self.lookup, on: database)
            #expect(kept.count == 1)
            #expect(kept.first?.runs == 3)
        }
    }

    /// In a transaction, a statement after a failed one is refused, and its preparation with it;
    /// PostgresNIO keeps that refusal under the statement's name for the connection's life.
    @Test func aStatementRefusedInAFailedTransactionRunsLaterOnTheSameConnection() async throws {
        struct Abort: Error {}
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // setup
            let id = try await database.write { try await UserQueries.create(NewUser(username: "ada", email: nil, passwordHash: nil), on: $0) }!.id

            // call
            await #expect(throws: Abort.self) {
                try await database.write { db in
                    let duplicate = try? await db.raw("INSERT INTO users (username, username_key) VALUES ('ada', 'ada')").run()
                    #expect(duplicate == nil)
                    let refused = try? await db.raw("SELECT username FROM users WHERE id = \(bind: id)").all()
                    #expect(refused == nil)
                    throw Abort()
                }
            }
            let rows = try await database.read { try await $0.raw("SELECT username FROM users WHERE id = \(bind: id)").all() }

            // check
            #expect(try rows.map { try $0.decode(column: "username", as: String.self) } == ["ada"])
        }
    }

    /// As above, with the failed statement one that runs unnamed (more values than a kept
    /// statement takes): the next statement, new to the connection, is refused in the failed
    /// transaction, and must not stay refused there.
    @Test func aStatementRefusedAfterAnUnnamedFailureRunsLaterOnTheSameConnection() async throws {
        struct Abort: Error {}
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // setup: a statement with more values than a kept one, which fails (division by zero)
            let id = try await database.write { try await UserQueries.create(NewUser(username: "ada", email: nil, passwordHash: nil), on: $0) }!.id
            var failing = SQLQueryString("SELECT 1 / (0 * \(bind: 1)) AS n WHERE 1 IN (")
            for value in 0...310 {  // PostgresStatementNames.maximumBinds is 310
                failing.appendInterpolation("\(unsafeRaw: value == 0 ? "" : ", ")\(bind: value)" as SQLQueryString)
            }
            failing.appendLiteral(")")
            let statement = failing

            // call
            await #expect(throws: Abort.self) {
                try await database.write { db in
                    let failed = try? await db.raw(statement).all()
                    #expect(failed == nil)
                    let refused = try? await db.raw("SELECT username FROM users WHERE id = \(bind: id)").all()
                    #expect(refused == nil)
                    throw Abort()
                }
            }
            let rows = try await database.read { try await $0.raw("SELECT username FROM users WHERE id = \(bind: id)").all() }

            // check
            #expect(try rows.map { try $0.decode(column: "username", as: String.self) } == ["ada"])
        }
    }

    /// `DISCARD ALL` (a pooler or an administrator) removes the connection's prepared statements
    /// under PostgresNIO, which still has them by name.
    @Test func aStatementWhosePreparationWasDiscardedIsPreparedAgain() async throws {
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // setup
            let id = try await database.write { try await UserQueries.create(NewUser(username: "ada", email: nil, passwordHash: nil), on: $0) }!.id
            _ = try await database.read { try await $0.raw("SELECT username FROM users WHERE id = \(bind: id)").all() }
            try await database.read { try await $0.raw("DISCARD ALL").run() }

            // call
            var names: [String] = []
            for _ in 1...2 {
                let rows = try await database.read { try await $0.raw("SELECT username FROM users WHERE id = \(bind: id)").all() }
                names += try rows.map { try $0.decode(column: "username", as: String.self) }
            }

            // check: both answered, and the text is kept again
            #expect(names == ["ada", "ada"])
            #expect(try await Self.prepared(Self.lookup, on: database).count == 1)
        }
    }

    /// A statement is prepared with its first values' types, a NULL's left to the server: here
    /// `integer`, which a later 64-bit value could not be bound as.
    @Test func aTextRunWithNullAndThenAValueIsPreparedForEach() async throws {
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // call
            var answers: [Int?] = []
            for value in [nil, 7, nil, 8] as [Int?] {
                let rows = try await database.read { try await $0.raw("SELECT CAST(\(bind: value) AS INTEGER) AS n").all() }
                answers += try rows.map { try $0.decode(column: "n", as: Int?.self) }
            }

            // check
            #expect(answers == [nil, 7, nil, 8])
            #expect(try await Self.prepared("SELECT CAST($1 AS INTEGER) AS n", on: database).count == 2)
        }
    }

    /// A named statement's rows are read by position (`PostgresStatementRow`), with PostgresKit's
    /// row behind them for the rest: each value as it was written, and the same refusals.
    @Test func aNamedStatementsRowReadsBackEveryValueAsWritten() async throws {
        try await withTestDatabase(.postgres, poolSize: 1) { database in
            // call: twice, so the second run is the prepared statement's
            var rows: [any SQLRow] = []
            for _ in 1...2 {
                rows = try await database.read { db in
                    try await db.raw("""
                        SELECT CAST(\(bind: Int64.min) AS BIGINT) AS big, CAST(\(bind: 7) AS INTEGER) AS small, CAST(NULL AS BIGINT) AS missing,
                          \(bind: "Zoë 📚") AS text, CAST(NULL AS TEXT) AS no_text, CAST(\(bind: 2.5) AS DOUBLE PRECISION) AS ratio,
                          \(bind: true) AS flag, TIMESTAMPTZ '2026-12-03 12:00:00+00' AS stamp, 'not a number' AS word, 1 AS twice, 2 AS twice
                        """).all()
                }
            }
            let row = try #require(rows.first)

            // check
            #expect(try row.decode(column: "big", as: Int64.self) == Int64.min)
            #expect(try row.decode(column: "small", as: Int64.self) == 7)
            #expect(try row.decode(column: "small", as: Int.self) == 7)
            #expect(try row.decode(column: "missing", as: Int64?.self) == nil)
            #expect(try row.decodeNil(column: "missing"))
            #expect(try row.decode(column: "text", as: String.self) == "Zoë 📚")
            #expect(try row.decode(column: "no_text", as: String?.self) == nil)
            #expect(try row.decode(column: "ratio", as: Double.self) == 2.5)
            #expect(try row.decode(column: "flag", as: Bool.self))
            #expect(try row.decode(column: "stamp", as: Date.self) == Date(timeIntervalSince1970: 1_796_299_200))
            #expect(try row.decode(column: "twice", as: Int.self) == 2)
            #expect(throws: (any Error).self) { try row.decode(column: "word", as: Int64.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "missing", as: Int64.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "nowhere", as: Int64.self) }
            #expect(!row.contains(column: "nowhere"))
            #expect(row.allColumns.count == 11)
        }
    }

    /// The connection's prepared statements with `sql`'s text, and how often each has run.
    private static func prepared(_ sql: String, on database: Database) async throws -> [(name: String, runs: Int)] {
        try await database.read { db in
            try await db.raw("""
                SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE statement = \(bind: sql)
                """).all().map { (try $0.decode(column: "name", as: String.self), try $0.decode(column: "runs", as: Int.self)) }
        }
    }
}
