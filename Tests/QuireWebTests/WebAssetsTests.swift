import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import QuireJobs
import TestSupport
import Testing

/// Static files under content-hashed names, cached for a year; pages never cached; the session
/// cookie HttpOnly and SameSite=Lax everywhere, and Secure when Quire is served over https.
@Suite struct WebAssetsTests {
    @Test(arguments: TestEngine.all)
    func staticFilesAreFingerprintedAndCachedForAYear(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            var browser = WebBrowser(client)

            // call
            let page = try await browser.get("/")
            let css = try #require(page.html.firstMatch(of: /href="(\/static\/quire\.[0-9a-f]{12}\.css)"/)).1
            let js = try #require(page.html.firstMatch(of: /src="(\/static\/quire\.[0-9a-f]{12}\.js)"/)).1
            let style = try await browser.get(String(css))
            let script = try await browser.get(String(js))
            let stale = try await browser.get("/static/quire.000000000000.css")

            // check
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers.first(where: { $0.name.canonicalName == "content-security-policy" })?.value.contains("default-src 'self'") == true)
            #expect(style.status == .ok)
            #expect(style.headers[.contentType] == "text/css; charset=utf-8")
            #expect(style.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(style.html.contains("prefers-color-scheme: dark"))
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(stale.status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all, ["http://quire.example", "https://quire.example"])
    func theSessionCookieIsHttpOnlyLaxAndSecureOverHTTPS(engine: TestEngine, publicURL: String) async throws {
        let secure = publicURL.hasPrefix("https:")
        try await withTestApp(engine, configure: { $0.exports = ExportSettings(dataDirectory: "./quire-data", publicURL: publicURL) }) { client, _ in
            // setup
            var browser = WebBrowser(client)
            _ = try await browser.get("/signup")

            // call
            let response = try await browser.post("/signup", ["username": "ada", "email": "ada@example.org", "password": "password123"])

            // check
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("quire_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            #expect(cookie.contains("Secure") == secure)
        }
    }
}
