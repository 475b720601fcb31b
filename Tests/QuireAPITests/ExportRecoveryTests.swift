import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Issue 13: no half-written export file is ever listed or served, whether the export is stopped
/// midway or its process died.
@Suite struct ExportRecoveryTests {
    struct Stop: Error {}

    @Test(arguments: TestEngine.all)
    func anExportStoppedMidwayLeavesNoFile(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { $0.worker.concurrency = 0 }) { client, database in
            // setup: 30 books, exported 10 a batch
            let ada = try await client.signUp("ada")
            let shelf = try await client.shelfID("to-read", of: ada)
            for index in 0..<30 {
                try await client.shelve(try await client.addEdition("Book \(index)", as: ada).int("id") ?? 0, on: shelf, as: ada)
            }
            var settings = ExportSettings(dataDirectory: folder)
            settings.batchSize = 10
            let path = (folder as NSString).appendingPathComponent("ada.tar.gz")

            // call: stopped after the first batch, as a cancelled job is at its checkpoint
            let batches = Counter()
            await #expect(throws: Stop.self) {
                try await AccountExporter(database: database, settings: settings).write(userID: ada.id, format: .bookwyrm, to: path) { _, _ in
                    if batches.next() == 1 { throw Stop() }
                }
            }

            // check
            #expect(batches.value == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "nothing left behind")
        }
    }

    @Test(arguments: TestEngine.all)
    func aCrashedAttemptsLeftoversAreNeverServed(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let settings = ExportSettings(dataDirectory: folder, interval: .zero)
        try await withTestApp(engine, configure: { $0.exports = settings; $0.worker.concurrency = 0 }) { client, database in
            // setup: an export whose first attempt died mid-file (its work folder holds half a file)
            let ada = try await client.signUp("ada")
            try await client.shelve(try await client.addEdition("Kindred", as: ada).int("id") ?? 0, on: try await client.shelfID("read", of: ada), as: ada)
            let started = try await client.send(.post, "/v1/me/exports", as: ada, json: ["format": "goodreads"])
            let exportID = started.body.json.int("export_id") ?? 0
            let job = (started.body.json["job"] as? [String: Any])?.int("id") ?? 0
            let work = (settings.exportsFolder as NSString).appendingPathComponent("partial-\(exportID)")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try "Book Id,Title\n1,half a fi".write(toFile: (work as NSString).appendingPathComponent("export-\(exportID).csv"), atomically: false, encoding: .utf8)

            // call: before the retry, and after it
            let before = try await client.send(.get, "/v1/me/exports", as: ada).body.json.items.first ?? [:]
            let early = try await client.send(.get, "/v1/me/exports/\(exportID)/download", as: ada)
            let after = try await withWorkers(database, registry: .standard(exports: settings)) { _ in
                try await waitForJob(job, on: database) { $0.state.isFinished }
            }
            let download = try await client.send(.get, "/v1/me/exports/\(exportID)/download", as: ada)

            // check
            #expect(before["state"] as? String == "waiting")
            #expect(before["download_url"] == nil)
            #expect(early.status == .conflict)
            #expect(after.state == .succeeded)
            #expect(download.status == .ok)
            #expect(String(buffer: download.body).contains("Kindred"))
            #expect(!String(buffer: download.body).contains("half a fi"))
            #expect(!FileManager.default.fileExists(atPath: work), "the work folder is gone")
        }
    }
}

/// Counts calls from a `@Sendable` closure.
final class Counter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}
