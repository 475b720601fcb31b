import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import QuireStore
import TestSupport
import Testing

/// The import page's upload: it starts the API's import only with the form's CSRF token, and an
/// import's page and events are its owner's alone.
@Suite struct ImportPagesTests {
    static let csv = """
        Book Id,Title,Author,ISBN13,My Rating,Exclusive Shelf,Date Added
        1,The Left Hand of Darkness,Ursula K. Le Guin,,5,read,2024/01/02

        """

    func multipart(_ browser: WebBrowser, csrf: String?) -> (HTTPFields, ByteBuffer) {
        let boundary = "quireBoundary7MA4YWxk"
        var text = ""
        if let csrf { text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n" }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\ngoodreads\r\n"
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"library.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        text += Self.csv + "\r\n--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: browser.cookieHeader], ByteBuffer(string: text))
    }

    @Test(arguments: TestEngine.all)
    func anUploadNeedsItsCSRFTokenAndAnImportIsItsOwnersAlone(engine: TestEngine) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // No worker: the import waits, so its page is read while it runs.
        try await withTestApp(engine, configure: {
            $0.exports = ExportSettings(dataDirectory: folder)
            $0.worker.concurrency = 0
        }) { client, database in
            // setup
            var ada = WebBrowser(client)
            try await ada.signUp("ada")
            var eve = WebBrowser(client)
            try await eve.signUp("eve")

            // call
            let (forgedHeaders, forgedBody) = multipart(ada, csrf: nil)
            let forged = try await client.execute(uri: "/import", method: .post, headers: forgedHeaders, body: forgedBody)
            let (headers, body) = multipart(ada, csrf: ada.cookies["quire_csrf"])
            let started = try await client.execute(uri: "/import", method: .post, headers: headers, body: body)
            let location = started.headers[.location] ?? ""
            let page = try await ada.get(location)
            let list = try await ada.get("/import")
            let othersPage = try await eve.get(location)
            let othersEvents = try await eve.get(location + "/events")

            // check
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains("did not come from Quire"))
            #expect(started.status == .seeOther)
            #expect(location.hasPrefix("/import/"))
            #expect(page.status == .ok)
            #expect(page.html.contains("Import of library.csv"))
            #expect(page.html.contains("<progress"))
            #expect(list.html.contains("library.csv"))
            #expect(othersPage.status == .notFound)
            #expect(othersEvents.status == .notFound)
            let imports = try await database.read { try await ImportQueries.list(userID: 1, before: nil, limit: 10, on: $0) }
            #expect(imports.count == 1, "the forged upload made no import")
        }
    }
}
