import Foundation
import QuireStore
import SQLKit
import TestSupport
import Testing

/// SQLite's WAL is copied back into the database file beside the writer (`WALCheckpointer`),
/// not only by the writer once it passes 1,000 pages. (SQLite only: a PostgreSQL server
/// checkpoints its own log.)
@Suite struct WALCheckpointerTests {
    @Test func writesReachTheDatabaseFileWithinAMomentThoughTheWriterNeverCheckpoints() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quire-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("quire.sqlite").path
        @Sendable func fileBytes() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 }
        let (before, after) = try await withOpenDatabase(.sqlite(path: path), poolSize: 1) { database in
            // setup: a table of 4 KB rows
            try await database.write { try await $0.raw("CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)").run() }

            // call: 300 rows, a transaction each: some 600 WAL pages, under the 1,000 at which
            // the writer checkpoints; then no more writes for up to 2 s
            for _ in 0..<300 {
                try await database.write { try await $0.raw("INSERT INTO pages (body) VALUES (zeroblob(4000))").run() }
            }
            let before = try fileBytes()
            let deadline = ContinuousClock.now + .seconds(2)
            while try fileBytes() < 300 * 4_000, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            return (before, try fileBytes())
        }

        // check: the rows' pages were copied into the main file (the WAL held them before)
        #expect(after >= 300 * 4_000, "the database file is \(after) bytes (\(before) right after the writes)")
    }
}
