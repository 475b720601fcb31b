import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import TestSupport
import Testing

/// The export page starts the API's export job only with the form's CSRF token, and the file is
/// its owner's alone.
@Suite struct ExportPagesTests {
    @Test(arguments: TestEngine.all)
    func anExportStartsFromThePageAndOnlyItsOwnerDownloadsIt(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withTestApp(engine, configure: { $0.exports = ExportSettings(dataDirectory: folder) }) { client, _ in
            // setup
            var ada = WebBrowser(client)
            try await ada.signUp("ada")
            var eve = WebBrowser(client)
            try await eve.signUp("eve")

            // call
            let forged = try await ada.post("/export", ["format": "goodreads"], csrf: .some(nil))
            let started = try await ada.post("/export", ["format": "goodreads"])
            let tooSoon = try await ada.post("/export", ["format": "goodreads"])
            var page = try await ada.get("/export")
            for _ in 0..<100 where !page.html.contains("/export/1/download") {
                try await Task.sleep(for: .milliseconds(100))
                page = try await ada.get("/export")
            }
            let file = try await ada.get("/export/1/download")
            let othersFile = try await eve.get("/export/1/download")
            let othersEvents = try await eve.get("/export/1/events")

            // check
            #expect(forged.status == .forbidden)
            #expect(started.status == .seeOther)
            #expect(tooSoon.status == .tooManyRequests)
            #expect(tooSoon.html.contains("try again in"))
            #expect(page.html.contains("/export/1/download"))
            #expect(file.status == .ok)
            #expect(file.html.hasPrefix("Book Id,Title"))
            #expect(othersFile.status == .notFound)
            #expect(othersEvents.status == .notFound)
        }
    }
}
