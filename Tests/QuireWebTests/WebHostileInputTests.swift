import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// No input crashes a page or makes it answer 5xx: bad ids, numbers past 64 bits, bad cursors,
/// broken form encodings, NUL and oversized text each get a 4xx page saying what was wrong.
@Suite struct WebHostileInputTests {
    @Test(arguments: TestEngine.all)
    func hostileInputGetsAClearClientErrorPage(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            var ada = WebBrowser(client)
            try await ada.signUp("ada")
            let edition = try await client.addEdition("Kindred", authors: ["Octavia E. Butler"], as: try await client.signIn("ada")).int("id") ?? 0

            // call and check: paths and queries
            let gets = [
                "/book/0", "/book/-1", "/book/%2B1", "/book/1e3", "/book/99999999999999999999999", "/book/abc",
                "/status/0", "/status/18446744073709551616", "/user/%00", "/user/nobody", "/user/ada/shelf/%00",
                "/user/ada/shelf/nothing", "/?before=-5", "/?before=1e9", "/?before=99999999999999999999",
                "/user/ada?before=abc", "/user/ada/shelf/to-read?before=0", "/search?q=%00", "/search?q=" + String(repeating: "a", count: 500),
                "/search?q=%20%20", "/import/abc", "/import/1?after=-1", "/export/abc/download", "/notifications?before=x",
                "/static/nothing.css", "/admin/jobs?state=bogus", "/user/a%00b", "/user/ada/shelf/x%00y", "/search?q=a&after=%00",
                "/search?q=a&after=bogus", "/no/such/page", "/book", "/user/ada/shelf/to-read/extra",
            ]
            for uri in gets {
                let response = try await ada.get(uri)
                #expect((400..<500).contains(Int(response.status.code)), "\(uri): \(response.status)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri) answers a page")
            }
            // An unknown path under the API stays the API's JSON 404, even for a browser, and so
            // does any unknown path asked for without accepting HTML.
            let api = try await ada.get("/v1/no/such")
            #expect(api.status == .notFound && api.headers[.contentType]?.hasPrefix("application/json") == true)
            let plain = try await client.execute(uri: "/no/such/page", method: .get, headers: [:], body: nil)
            #expect(plain.status == .notFound && plain.headers[.contentType]?.hasPrefix("application/json") == true)
            // forms
            let posts: [(String, [String: String])] = [
                ("/book/\(edition)/status", ["type": "review", "rating": "NaN"]),
                ("/book/\(edition)/status", ["type": "review", "rating": "7"]),
                ("/book/\(edition)/status", ["type": "review", "rating": "1e308"]),
                ("/book/\(edition)/status", ["type": "comment", "body": "x", "progress": "99999999999999999999"]),
                ("/book/\(edition)/status", ["type": "comment", "body": "nul \u{0}"]),
                ("/book/\(edition)/status", ["type": "bogus", "body": "x"]),
                ("/book/\(edition)/status", ["type": "review", "body": String(repeating: "b", count: 10_001)]),
                ("/book/\(edition)/shelve", ["shelf": "-1"]),
                ("/book/\(edition)/shelve", ["shelf": "99999999999999999999"]),
                ("/book/\(edition)/shelve", ["shelf": "999"]),
                ("/status", ["body": ""]),
                ("/status/999/reply", ["body": "hello"]),
                ("/status/1/explode", [:]),
                ("/user/ada/explode", [:]),
                ("/user/ada/follow", [:]),
                ("/settings", ["default_privacy": "everyone"]),
                ("/export", ["format": "pdf"]),
                ("/follow-requests/nobody/approve", [:]),
                ("/signin", ["username": "ad\u{0}a", "password": "password123"]),
                ("/user/a%00b/follow", [:]),
                ("/follow-requests/a%00b/approve", [:]),
                ("/signup", ["username": "eve\u{0}", "email": "eve@example.org", "password": "password123"]),
                ("/settings", ["display_name": "Ada\u{0}", "default_privacy": "public"]),
            ]
            for (uri, fields) in posts {
                let response = try await ada.post(uri, fields)
                #expect((400..<500).contains(Int(response.status.code)), "\(uri) \(fields.keys.sorted()): \(response.status)")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri) answers a page")
            }
            // a body that isn't percent-encoding
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: ada.cookieHeader]
            let broken = try await client.execute(uri: "/status", method: .post, headers: headers, body: ByteBuffer(string: "body=%ZZ&csrf=%"))
            #expect(broken.status == .badRequest)
            headers[.contentType] = "multipart/form-data; boundary=x"
            let brokenUpload = try await client.execute(uri: "/import", method: .post, headers: headers, body: ByteBuffer(string: "--x\r\nnonsense"))
            #expect((400..<500).contains(Int(brokenUpload.status.code)), "broken upload: \(brokenUpload.status)")
            // and the server still answers
            #expect(try await ada.get("/").status == .ok)
        }
    }
}
