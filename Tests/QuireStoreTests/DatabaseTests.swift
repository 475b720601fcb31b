import QuireStore
import SQLKit
import Synchronization
import TestSupport
import Testing

@Suite struct DatabaseTests {
    @Test(arguments: TestEngine.all)
    func statementMeterCountsEveryStatementOfTheTaskAndOnlyThose(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: statements outside the recording must not be counted
            _ = try await database.read { try await $0.raw("SELECT 1 AS one").all() }

            // call
            let (_, recorder) = try await StatementRecorder.recording {
                _ = try await database.read { db in
                    try await db.raw("SELECT 1 AS one").all()
                    try await db.select().column("id").from("users").all()
                }
                _ = try await database.write { db in
                    try await UserQueries.create(NewUser(username: "ada", email: nil, passwordHash: nil), on: db)
                }
            }

            // check: two reads, then BEGIN, the insert, COMMIT
            #expect(recorder.count == 5)
            #expect(recorder.statements[0].hasPrefix("SELECT 1"))
            #expect(recorder.statements[2].hasPrefix("BEGIN"))
            #expect(recorder.statements[3].hasPrefix("INSERT INTO users"))
            #expect(recorder.statements[4] == "COMMIT")
        }
    }

    @Test(arguments: TestEngine.all)
    func aWriteThatThrowsLeavesNothingBehind(engine: TestEngine) async throws {
        struct Abort: Error {}
        try await withTestDatabase(engine) { database in
            // call
            await #expect(throws: Abort.self) {
                try await database.write { db in
                    _ = try await UserQueries.create(NewUser(username: "ghost", email: nil, passwordHash: nil), on: db)
                    throw Abort()
                }
            }

            // check
            let found = try await database.read { try await UserQueries.find(username: "ghost", on: $0) }
            #expect(found == nil)
        }
    }

    @Test(arguments: TestEngine.all)
    func usernamesAreUniqueIgnoringCase(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // call
            let first = try await database.write { try await UserQueries.create(NewUser(username: "Reader", email: nil, passwordHash: nil), on: $0) }
            let second = try await database.write { try await UserQueries.create(NewUser(username: "rEADER", email: nil, passwordHash: nil), on: $0) }

            // check
            #expect(first?.username == "Reader")
            #expect(second == nil)
            let found = try await database.read { try await UserQueries.find(username: "READER", on: $0) }
            #expect(found?.id == first?.id)
        }
    }

    @Test(arguments: TestEngine.all)
    func concurrentWritesAllCommit(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // call: more writers than connections, so some wait for the writer or the pool
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        _ = try await database.write { try await UserQueries.create(NewUser(username: "user\(index)", email: nil, passwordHash: nil), on: $0) }
                    }
                }
                try await group.waitForAll()
            }

            // check
            let rows = try await database.read { try await $0.select().column("id").from("users").all() }
            #expect(rows.count == 40)
        }
    }

    /// Cancels the task it is called in, as a job's cancellation or a worker's stop does to its handler.
    static func cancelThisTask() { withUnsafeCurrentTask { $0?.cancel() } }

    @Test(arguments: TestEngine.all)
    func aWriteCancelledHalfwayEndsItsTransactionAndLaterWritesCommit(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // call: a write whose task is cancelled between two statements (SQLite's driver skips
            // the statements of a cancelled task, once its ROLLBACK too, which left the writer in the
            // transaction and every later write failing: "cannot start a transaction within a transaction")
            let cancelled = Task {
                try await database.write { db in
                    _ = try await UserQueries.create(NewUser(username: "before", email: nil, passwordHash: nil), on: db)
                    Self.cancelThisTask()
                    _ = try await UserQueries.create(NewUser(username: "after", email: nil, passwordHash: nil), on: db)
                }
            }
            let outcome = await cancelled.result
            let later = try await database.write { try await UserQueries.create(NewUser(username: "later", email: nil, passwordHash: nil), on: $0) }

            // check: all of the cancelled write or none of it, and the next write commits
            #expect(later?.username == "later")
            let found = try await database.read { db in
                [try await UserQueries.find(username: "before", on: db) != nil, try await UserQueries.find(username: "after", on: db) != nil]
            }
            let committed = (try? outcome.get()) != nil
            #expect(found == [committed, committed], "\(outcome)")
        }
    }

    @Test(arguments: TestEngine.all)
    func aSnapshotCancelledHalfwayLeavesNoReaderBehindInIt(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup: a snapshot cancelled between its reads, then a row written after it
            _ = await Task {
                try await database.snapshot { db in
                    _ = try await db.raw("SELECT count(*) AS n FROM users").all()
                    Self.cancelThisTask()
                    _ = try await db.raw("SELECT count(*) AS n FROM users").all()
                }
            }.result
            _ = try await database.write { try await UserQueries.create(NewUser(username: "fresh", email: nil, passwordHash: nil), on: $0) }

            // call: reads on every reader, the one the snapshot used among them
            let seen = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await database.read { try await UserQueries.find(username: "fresh", on: $0) != nil } } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }

            // check: no reader still reads the snapshot's old state
            #expect(seen == Array(repeating: true, count: 8))
        }
    }
}

/// `poolUsage`, which `quire_db_connections_in_use` and `quire_db_connections_waiting` report.
@Suite struct PoolUsageTests {
    /// With the one reader connection held and a second read waiting for it, both are counted on
    /// both engines (PostgreSQL's were not reported at all), and nothing once both are done.
    @Test(arguments: TestEngine.all)
    func aHeldConnectionAndAWaitingReadAreCounted(engine: TestEngine) async throws {
        try await withTestDatabase(engine, poolSize: 1) { database in
            // setup: a read that holds its connection until let go
            let letGo = Mutex(false)
            let holder = Task {
                try await database.read { db in
                    _ = try await db.raw("SELECT 1 AS one").all()
                    while !letGo.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
                }
            }
            try await Self.until(database) { $0.inUse == 1 }

            // call: a second read, which must wait for the one connection
            let waiter = Task { try await database.read { try await $0.raw("SELECT 2 AS two").all() } }
            try await Self.until(database) { $0.waiting == 1 }
            let during = await database.poolUsage()
            letGo.withLock { $0 = true }
            try await holder.value
            _ = try await waiter.value

            // check
            #expect(during?.inUse == 1)
            #expect(during?.waiting == 1)
            try await Self.until(database) { $0.inUse == 0 && $0.waiting == 0 }
        }
    }

    /// Waits up to 5 s for the pool's usage to satisfy `condition`; records an issue if it never does.
    private static func until(_ database: Database, _ condition: ((inUse: Int, waiting: Int)) -> Bool) async throws {
        for _ in 0..<500 {
            if let usage = await database.poolUsage(), condition(usage) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("pool usage \(String(describing: await database.poolUsage())) never reached the expected state")
    }
}
