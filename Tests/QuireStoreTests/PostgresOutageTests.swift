import QuireStore
import SQLKit
import TestSupport
import Testing

/// What `PostgresOutage` takes for the server being down. PostgreSQL only: SQLite has no server.
/// (A server stopped while Quire runs, loaded or quiet, is scripts/db-fault's.)
@Suite(.enabled(if: TestEngine.all.contains(.postgres)))
struct PostgresOutageTests {
    /// A statement the server cancels (SQLSTATE 57014: a statement timeout, `pg_cancel_backend`)
    /// fails alone. It shares class 57 with the server shutting down, and was taken for an outage:
    /// every request after it was answered 503 until the next probe found the server up.
    @Test func aCancelledStatementIsNotAnOutage() async throws {
        try await withTestDatabase(.postgres, poolSize: 2) { database in
            // call
            var cancelled: (any Error)?
            do {
                try await database.write { db in
                    try await db.raw("SET LOCAL statement_timeout = 20").run()
                    try await db.raw("SELECT pg_sleep(2)").run()
                }
            } catch {
                cancelled = error
            }
            let next = try await database.read { try await $0.raw("SELECT 1 AS one").all() }

            // check
            #expect(cancelled != nil)
            if let cancelled, case DatabaseError.unavailable = cancelled { Issue.record("a cancelled statement answered as an outage") }
            #expect(next.count == 1)
        }
    }
}
