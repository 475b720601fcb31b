import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireStore
import QuireJobs
import SQLKit
import TestSupport
import Testing

/// Issue 14: an import whose worker is killed (kill -9) midway resumes after its last committed
/// batch in another worker, and every row lands exactly once.
@Suite(.serialized) struct ImportProcessTests {
    /// The workers' log lines of failed attempts, which have the database's errors in full (the
    /// job keeps PostgresNIO's description, which hides them).
    static func failedAttempts(in folder: String) -> [String] {
        ["worker1.log", "worker2.log"].flatMap { name in
            ((try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.contains("attempt failed") }.map { name + ": " + $0 }
        }
    }

    @Test(arguments: TestEngine.all)
    func anImportKilledMidwayResumesAndEachRowLandsOnce(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Enough rows that the kill lands midway even when the batches are fast (3,000 rows had
        // all gone in before the kill in one CI run).
        let rows = 20_000
        try await withTestApp(engine, configure: { configuration in
            configuration.exports = ExportSettings(dataDirectory: folder)
            configuration.worker.concurrency = 0
        }) { client, database in
            // setup: the import is asked for; no worker in this process runs it
            let ada = try await client.signUp("ada")
            let (importID, jobID) = try await client.startImport(
                ByteBuffer(string: GeneratedGoodreadsFile.text(rows: rows, title: "Killed Midway")), query: "format=goodreads", as: ada)
            let environment = ["QUIRE_DATA_DIR": folder, "QUIRE_IMPORT_BATCH_ROWS": "50", "QUIRE_JOB_RESCUE_AFTER": "1"]
            let arguments = ["worker", "--database-url", ServeProcessTests.text(database.url)]
            func rowsDone() async throws -> Int64 {
                try await database.read { db in
                    try await db.raw("SELECT rows_done FROM imports WHERE id = \(bind: importID)").first()?.decode(column: "rows_done", as: Int64.self) ?? 0
                }
            }

            // call: a worker is killed once some batches are in, another finishes the import
            let first = try QuireProcess(arguments, environment: environment, log: URL(fileURLWithPath: folder + "/worker1.log"))
            let deadline = ContinuousClock.now + .seconds(60)
            while try await rowsDone() < 500, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            first.signal(SIGKILL)
            _ = await first.waitForExit(timeout: .seconds(5))
            let atKill = try await rowsDone()
            let second = try QuireProcess(arguments, environment: environment, log: URL(fileURLWithPath: folder + "/worker2.log"))
            let job = try await waitForJob(jobID, on: database, timeout: .seconds(60), whileProgressing: true) { $0.state.isFinished }
            second.signal(SIGTERM)
            _ = await second.waitForExit(timeout: .seconds(10))

            // check: killed partway, resumed, and every row applied once
            #expect(atKill >= 500 && atKill < Int64(rows), "killed midway: \(atKill) rows were in")
            #expect(job.state == .succeeded, "\(String(describing: job.lastError)); the workers' failed attempts: \(Self.failedAttempts(in: folder))")
            #expect(job.attempts == 2)
            let imported = try await client.send(.get, "/v1/me/imports/\(importID)", as: ada).body.json
            #expect(imported.int("created") == Int64(rows), "no row reported twice, none skipped as already there")
            #expect(imported.int("rows") == Int64(rows))
            let landed = try await ImportedRows.count(importID: importID, userID: ada.id, on: database)
            landed.expectEachRowOnce(Int64(rows))
            let profile = try await client.send(.get, "/v1/users/ada", as: ada).body.json
            #expect(profile.int("read_count") == Int64(rows), "the counter rows agree")
            let drift = try await CounterAudit(database: database).run(repair: false)
            #expect(drift.isEmpty, "\(drift)")
        }
    }
}
