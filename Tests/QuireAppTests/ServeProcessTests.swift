import Foundation
import QuireStore
import TestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized) struct ServeProcessTests {
    @Test(arguments: TestEngine.all, ["4", "0"])
    func serveAnswersReadyAndStopsCleanlyOnSIGTERM(engine: TestEngine, workers: String) async throws {
        try await withTestDatabase(engine, migrated: false) { database in
            // setup: with the in-process job worker and with it turned off
            let port = QuireProcess.freePort()
            let server = try QuireProcess(["serve", "--port", "\(port)", "--database-url", Self.text(database.url), "--workers", workers])
            try await server.waitUntilReady("http://127.0.0.1:\(port)/readyz")
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/readyz")!)
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]

            // call
            let start = ContinuousClock.now
            server.signal(SIGTERM)
            let status = await server.waitForExit(timeout: .seconds(5))

            // check
            #expect(body?["database"] as? String == engine.rawValue)
            #expect(status == 0, "exit status \(String(describing: status)), stderr: \(server.standardError)")
            #expect(ContinuousClock.now - start < .seconds(5))
            let status2 = try await database.read { _ in 0 }
            #expect(status2 == 0)
        }
    }

    @Test func aPortInUseIsOneClearLineAndANonZeroExit() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quire-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = QuireProcess.freePort()
        let url = "sqlite://\(folder.path)/quire.sqlite"
        let first = try QuireProcess(["serve", "--port", "\(port)", "--database-url", url])
        try await first.waitUntilReady("http://127.0.0.1:\(port)/healthz")

        let second = try QuireProcess(["serve", "--port", "\(port)", "--database-url", url])
        let status = await second.waitForExit(timeout: .seconds(20))
        first.signal(SIGTERM)
        _ = await first.waitForExit(timeout: .seconds(5))

        #expect(status == 1)
        let lines = second.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("address already in use") == true)
    }

    @Test(arguments: [
        ["serve", "--database-url", "mysql://db/quire"],
        ["serve", "--database-url", "postgres://nobody@127.0.0.1:1/quire"],
        ["serve", "--port", "99999"],
        ["serve", "--database-url", "sqlite:///no/such/folder/quire.sqlite"],
    ])
    func badConfigurationIsOneClearLine(arguments: [String]) async throws {
        let process = try QuireProcess(arguments)
        let status = await process.waitForExit(timeout: .seconds(20))
        #expect(status == 1)
        let lines = process.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasPrefix("quire: ") == true)
    }

    static func text(_ url: DatabaseURL) -> String {
        switch url {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): url
        }
    }
}
