import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Lists on pages page by keyset links ("older", "more results"), each item once, none skipped.
@Suite struct WebPagingTests {
    /// The page's links to /book/N, in order.
    static func books(_ html: String) -> [String] { html.matches(of: /href="\/book\/(\d+)"/).map { String($0.1) } }
    static func link(_ html: String, _ label: String) -> String? {
        html.matches(of: /<a href="([^"]+)" rel="next">([^<]+)<\/a>/).first { $0.2 == label }.map {
            String($0.1).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#x3D;", with: "=").replacingOccurrences(of: "&#61;", with: "=")
        }
    }

    @Test(arguments: TestEngine.all)
    func shelfHomeAndSearchPageThroughEveryItemOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: 25 books on ada's to-read shelf, each reviewed, all matching "saga"
            let ada = try await client.signUp("ada")
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = shelves.first { $0["identifier"] as? String == "to-read" }?.int("id") ?? 0
            for index in 0..<25 {
                let edition = try await client.addEdition("Saga \(index)", authors: ["Author \(index)"], as: ada).int("id") ?? 0
                _ = try await client.send(.put, "/v1/shelves/\(toRead)/books/\(edition)", as: ada)
                _ = try await client.post(["type": "review", "edition_id": edition, "body": "review \(index)"], as: ada)
            }
            var browser = WebBrowser(client)
            try await browser.signIn("ada")

            // call and check: each list's first page, then its next link
            for (start, label) in [("/user/ada/shelf/to-read", "Older"), ("/", "Older"), ("/search?q=saga", "More results")] {
                let first = try await browser.get(start)
                let next = try #require(Self.link(first.html, label), "\(start) has a \(label) link")
                let second = try await browser.get(next)
                let listed = Self.books(first.html) + Self.books(second.html)
                #expect(second.status == .ok, "\(next)")
                #expect(Set(listed).count == 25, "\(start): \(Set(listed).count) distinct books over two pages")
                #expect(listed.count == 25, "\(start): \(listed.count) books listed over two pages, so some twice")
                #expect(Self.link(second.html, label) == nil, "\(next) is the last page")
            }
        }
    }
}
