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

    /// The claim's UPDATE finds the picked jobs by primary key, however many finished jobs the
    /// table holds and whatever its statistics say. On statistics taken during a backlog (every
    /// row ready, so the planner expects a full batch of picked ids) and a table that has since
    /// filled with finished jobs, it once joined the picked ids to a sequential scan of every row,
    /// calling `set_config` on each: 3 to 6 ms a claim in the queue benchmark's latency runs.
    @Test(arguments: TestEngine.all)
    func claimingFindsThePickedJobsByPrimaryKeyOnStaleStatistics(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: statistics taken over 3,000 ready jobs, which have all finished since
            try await Self.insertJobs(3000, state: "queued", into: database)
            try await database.read { try await $0.raw("ANALYZE jobs").run() }
            try await database.write { try await $0.raw("UPDATE jobs SET state = 'succeeded', finished_at = 0").run() }
            try await Self.insertJobs(1, state: "queued", into: database)

            // call: the claim, recorded
            let (_, recorder) = try await StatementRecorder.recording {
                _ = try await database.write { try await JobQueries.claim(worker: "w", limit: 64, now: Timestamp.microsecondsNow(), on: $0) }
            }

            // check: planned as the server would, sequential scans allowed
            let statement = try #require(recorder.recorded.first { $0.sql.contains("FROM jobs") })
            let plan = try await Self.plan(of: statement, engine: engine, on: database, seqScansAllowed: true)
            let fullScans = plan.filter { $0.contains("Seq Scan on jobs") || $0 == "SCAN jobs" }
            #expect(fullScans.isEmpty, "\(plan.joined(separator: "\n"))")
        }
    }

    /// Pruning finished jobs never joins the table to itself, so no statistics can make it a
    /// nested loop over every job for each job: planned on statistics of a nearly empty table,
    /// one prune statement ran for at least 8 minutes after the large benchmark's 68,000 noop jobs.
    @Test(arguments: TestEngine.all)
    func pruningFindsTheFinishedJobsOnceOnStaleStatistics(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: statistics of an empty table, which has since filled with old finished jobs
            try await database.read { try await $0.raw("ANALYZE jobs").run() }
            try await Self.insertJobs(3000, state: "succeeded", into: database)
            try await database.write { try await $0.raw("UPDATE jobs SET finished_at = 0").run() }

            // call: a prune, recorded
            let (pruned, recorder) = try await StatementRecorder.recording {
                try await database.write { try await JobQueries.prune(before: 1, limit: 1000, on: $0) }
            }

            // check: a batch pruned, by a plan with no join, as the server would plan it
            #expect(pruned == 1000)
            let statement = try #require(recorder.recorded.first { $0.sql.contains("DELETE FROM jobs") })
            let plan = try await Self.plan(of: statement, engine: engine, on: database, seqScansAllowed: true)
            let joins = plan.filter { $0.contains("Join") || $0.contains("Nested Loop") || $0.contains("CORRELATED") }
            #expect(joins.isEmpty, "\(plan.joined(separator: "\n"))")
        }
    }

    static func insertJobs(_ count: Int, state: String, into database: Database) async throws {
        try await database.write { db in
            try await db.raw("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(bind: count))
                INSERT INTO jobs (kind, args, state, max_attempts, run_after, created_at, updated_at)
                SELECT 'noop', '{}', \(bind: state), 3, 0, 0, 0 FROM n
                """).run()
        }
    }

    /// The engine's plan for `statement`, one line a row; PostgreSQL's with sequential scans
    /// discouraged unless `seqScansAllowed`, as a new database without statistics would not show
    /// the plan of a big one.
    static func plan(of statement: RecordedStatement, engine: TestEngine, on database: Database, seqScansAllowed: Bool = false) async throws -> [String] {
        switch engine {
        case .sqlite:
            return try await database.read { db in
                try await Self.rows(statement.prefixed("EXPLAIN QUERY PLAN "), on: db)
            }.map { try $0.decode(column: "detail", as: String.self) }
        case .postgres:
            return try await database.read { db in
                try await db.raw("BEGIN").run()
                if !seqScansAllowed { try await db.raw("SET LOCAL enable_seqscan = off").run() }
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
