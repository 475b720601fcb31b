import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The book page's shelve menu: it says where the book is, moves it between default shelves as
/// the API does, takes it off, and never touches another reader's shelf.
@Suite struct BookPagesTests {
    static func shelfID(_ client: any TestClientProtocol, _ user: APIUser, _ identifier: String) async throws -> Int64 {
        let shelves = try await client.send(.get, "/v1/users/\(user.username)/shelves", as: user).body.json.items
        return shelves.first { $0["identifier"] as? String == identifier }?.int("id") ?? 0
    }

    @Test(arguments: TestEngine.all)
    func shelvingMovingAndUnshelvingThroughTheBookPage(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            let adaAPI = try await client.signUp("ada")
            let eveAPI = try await client.signUp("eve")
            let edition = try await client.addEdition("Parable of the Sower", authors: ["Octavia E. Butler"], as: adaAPI).int("id") ?? 0
            let (toRead, reading) = (try await Self.shelfID(client, adaAPI, "to-read"), try await Self.shelfID(client, adaAPI, "reading"))
            let evesShelf = try await Self.shelfID(client, eveAPI, "to-read")
            var ada = WebBrowser(client)
            try await ada.signIn("ada")
            var eve = WebBrowser(client)
            try await eve.signIn("eve")

            // call
            _ = try await ada.post("/book/\(edition)/shelve", ["shelf": "\(toRead)"])
            let moved = try await ada.post("/book/\(edition)/shelve", ["shelf": "\(reading)"])
            let page = try await ada.get("/book/\(edition)")
            let intoOthers = try await ada.post("/book/\(edition)/shelve", ["shelf": "\(evesShelf)"])
            let offOthers = try await eve.post("/book/\(edition)/unshelve", ["shelf": "\(reading)"])
            let removed = try await ada.post("/book/\(edition)/unshelve", ["shelf": "\(reading)"])
            let after = try await ada.get("/book/\(edition)")

            // check
            #expect(moved.status == .seeOther)
            #expect(page.html.contains("On your shelf <strong>Currently Reading</strong>"))
            #expect(!page.html.contains("On your shelf <strong>To Read</strong>"), "a default shelf move takes it off the other")
            #expect(page.html.contains("<option value=\"\(reading)\" selected>"))
            #expect(intoOthers.status == .notFound)
            #expect(offOthers.status == .notFound)
            #expect(removed.status == .seeOther)
            #expect(!after.html.contains("On your shelf"))
        }
    }
}
