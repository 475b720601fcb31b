import Foundation
import QuireStore
import SQLKit
import Synchronization
import TestSupport
import Testing

/// Claiming walks the ready-jobs index, never sorts the backlog, even on a new database that
/// has no planner statistics; finding the active job of a unique key is a probe of its index.
@Suite struct JobQueryPlanTests {
    @Test(arguments: TestEngine.all)
    func findingTheActiveJobOfAUniqueKeyUsesItsIndex(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup, then call: the look-up of two keys, recorded
            let (_, recorder) = try await StatementRecorder.recording {
                _ = try await database.read { try await JobQueries.active(uniqueKeys: ["nightly", "weekly"], on: $0) }
            }

            // check
            let statement = try #require(recorder.recorded.first { $0.sql.contains("FROM jobs") })
            let plan = try await Self.plan(of: statement, engine: engine, on: database)
            #expect(plan.contains { $0.contains("jobs_unique_active") }, "\(plan.joined(separator: "\n"))")
        }
    }

    @Test(arguments: TestEngine.all)
    func claimingAndPeekingUseTheReadyIndex(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup, then call: the claim and the peek, recorded
            let (_, recorder) = try await StatementRecorder.recording {
                _ = try await database.write { try await JobQueries.claim(worker: "w", limit: 5, now: Timestamp.microsecondsNow(), on: $0) }
                _ = try await database.read { try await JobQueries.hasReadyJobs(now: Timestamp.microsecondsNow(), on: $0) }
            }

            // check
            let statements = recorder.recorded.filter { $0.sql.contains("FROM jobs") }
            #expect(statements.count == 2)
            for statement in statements {
                let plan = try await Self.plan(of: statement, engine: engine, on: database)
                #expect(plan.contains { $0.contains("jobs_ready") }, "\(statement.sql)\n\(plan.joined(separator: "\n"))")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") || $0.contains("Sort") }, "\(plan.joined(separator: "\n"))")
            }
        }
    }

    /// The engine's plan for `statement`, one line a row; PostgreSQL's with sequential scans
    /// discouraged, as a new database without statistics would not show the plan of a big one.
    static func plan(of statement: RecordedStatement, engine: TestEngine, on database: Database) async throws -> [String] {
        switch engine {
        case .sqlite:
            return try await database.read { db in
                try await Self.rows(statement.prefixed("EXPLAIN QUERY PLAN "), on: db)
            }.map { try $0.decode(column: "detail", as: String.self) }
        case .postgres:
            return try await database.read { db in
                try await db.raw("BEGIN").run()
                try await db.raw("SET LOCAL enable_seqscan = off").run()
                let rows = try await Self.rows(statement.prefixed("EXPLAIN "), on: db)
                try await db.raw("ROLLBACK").run()
                return try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }
            }
        }
    }

    static func rows(_ statement: RecordedStatement, on db: any SQLDatabase) async throws -> [any SQLRow] {
        let rows = Mutex<[any SQLRow]>([])
        try await db.execute(sql: statement) { row in rows.withLock { $0.append(row) } }
        return rows.withLock { $0 }
    }
}
