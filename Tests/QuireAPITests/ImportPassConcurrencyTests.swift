import Foundation
import Hummingbird
import HummingbirdTesting
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// Two passes over one import at once, as when a worker that stalled past the rescue interval
/// still runs its attempt beside the attempt that took the job over (CI at 5fba836: the second
/// attempt's first batch hit the first's editions and the job was discarded): every row lands
/// once, and a pass that finds the import's cursor moved stops, writing nothing more.
@Suite struct ImportPassConcurrencyTests {
    @Test(arguments: TestEngine.all)
    func twoPassesOverOneImportWriteEachRowOnce(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = 300
        try await withTestApp(engine, configure: { configuration in
            configuration.exports = ExportSettings(dataDirectory: folder)
            configuration.worker.concurrency = 0
        }) { client, database in
            // setup: an import asked for, which no worker here runs
            let ada = try await client.signUp("ada")
            let (importID, _) = try await client.startImport(
                ByteBuffer(string: GeneratedGoodreadsFile.text(rows: rows, title: "Twice Over")), query: "format=goodreads", as: ada)

            // call: two passes at once, in batches of 10 rows
            let importer = AccountImporter(database: database, settings: ImportSettings(dataDirectory: folder, batchSize: 10))
            async let first = Self.outcome { try await importer.run(importID: importID) { _, _ in } }
            async let second = Self.outcome { try await importer.run(importID: importID) { _, _ in } }
            let outcomes = await [first, second]

            // check: each row once; a pass that stopped says why
            for case let .failure(error) in outcomes {
                #expect(error is ImportMovedOn, "\(String(reflecting: error))")
            }
            #expect(outcomes.contains { if case .success = $0 { true } else { false } })
            let imported = try await client.send(.get, "/v1/me/imports/\(importID)", as: ada).body.json
            #expect(imported.int("created") == Int64(rows), "\(imported)")
            #expect(imported.int("matched") == 0)
            #expect(imported.int("skipped") == 0)
            #expect(imported.int("failed") == 0)
            let landed = try await ImportedRows.count(importID: importID, userID: ada.id, on: database)
            landed.expectEachRowOnce(Int64(rows))
            let profile = try await client.send(.get, "/v1/users/ada", as: ada).body.json
            #expect(profile.int("read_count") == Int64(rows), "the counter rows agree")
        }
    }

    /// A pass's end, kept whichever way it went.
    static func outcome(_ body: @Sendable () async throws -> AccountImporter.Outcome) async -> Result<AccountImporter.Outcome, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }
}
