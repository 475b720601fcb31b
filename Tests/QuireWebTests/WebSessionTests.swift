import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Signing up, in and out through the pages, and forms refused without their CSRF token.
@Suite struct WebSessionTests {
    @Test(arguments: TestEngine.all)
    func signUpSignOutAndSignInThroughThePages(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup
            var browser = WebBrowser(client)

            // call: signed out, then signed up, then signed out again, then signed in
            let welcome = try await browser.get("/")
            try await browser.signUp("ada")
            let home = try await browser.get("/")
            let signOut = try await browser.post("/signout", [:])
            let afterSignOut = try await browser.get("/")
            let wrong = try await browser.post("/signin", ["username": "ada", "password": "not-the-password", "next": "/"])
            // A `next` that leaves Quire is not followed.
            let offsite = try await browser.post("/signin", ["username": "ada", "password": "password123", "next": "//evil.example/"])
            _ = try await browser.post("/signout", [:])
            let backToBook = try await browser.post("/signin", ["username": "ada", "password": "password123", "next": "/search?q=x"])
            _ = try await browser.post("/signout", [:])
            try await browser.signIn("ada")
            let again = try await browser.get("/")

            // check
            #expect(welcome.status == .ok)
            #expect(welcome.html.contains("Sign up"))
            #expect(welcome.headers[.contentType] == "text/html; charset=utf-8")
            let csrfCookie = welcome.headers[values: .setCookie].first { $0.hasPrefix("quire_csrf=") } ?? ""
            #expect(csrfCookie.contains("HttpOnly") && csrfCookie.contains("SameSite=Lax"))
            #expect(home.html.contains("Your timeline"))
            #expect(signOut.status == .seeOther)
            #expect(signOut.headers[values: .setCookie].contains { $0.hasPrefix("quire_session=;") })
            #expect(afterSignOut.html.contains("Sign up") && !afterSignOut.html.contains("Your timeline"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.html.contains("username or password is wrong"))
            #expect(again.html.contains("Your timeline"))
            #expect(offsite.headers[.location] == "/")
            #expect(backToBook.headers[.location] == "/search?q=x")
        }
    }

    @Test(arguments: TestEngine.all)
    func aFormPostedWithoutItsCSRFTokenIsRefusedWithAMessage(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, _ in
            // setup: ada signed in through the pages
            var browser = WebBrowser(client)
            try await browser.signUp("ada")

            // call: a note posted without a token, with another token, and with the right one
            let missing = try await browser.post("/status", ["body": "forged"], csrf: .some(nil))
            let other = try await browser.post("/status", ["body": "forged"], csrf: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            var forger = WebBrowser(client)
            let signUpForged = try await forger.post("/signup", ["username": "eve", "email": "eve@example.org", "password": "password123"])
            let posted = try await browser.post("/status", ["body": "a real note"])
            let home = try await browser.get("/")

            // check
            for refused in [missing, other, signUpForged] {
                #expect(refused.status == .forbidden)
                #expect(refused.html.contains("This form has expired or did not come from Quire"))
                #expect(!refused.html.contains("Error"), "a refusal shows a message, not an error dump")
            }
            // The refusal is a page of the reader's own site: still signed in.
            #expect(missing.html.contains("Sign out") && other.html.contains("Sign out"))
            #expect(posted.status == .seeOther)
            #expect(home.html.contains("a real note"))
            #expect(!home.html.contains("forged"))
        }
    }
}
