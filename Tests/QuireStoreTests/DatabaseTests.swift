import QuireStore
import SQLKit
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
}
