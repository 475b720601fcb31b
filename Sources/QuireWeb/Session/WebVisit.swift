import Foundation
import Hummingbird
import QuireAPI
import QuireStore

/// Who is asking for a page, as the page needs it: the signed-in user (from the session cookie,
/// through the API's own `SessionResolver`), and the CSRF token its forms must carry.
struct WebVisit: Sendable {
    let user: UserRecord?
    /// The cookie's session token, to revoke on sign-out.
    let sessionToken: String?
    let csrf: String
    /// The CSRF cookie to set, when the browser had none yet.
    let newCSRFCookie: Cookie?

    var signedIn: Bool { user != nil }
}

/// Reads visits from requests and writes the cookies that make them.
struct WebVisits: Sendable {
    static let sessionCookie = "quire_session"
    static let csrfCookie = "quire_csrf"

    let resolver: SessionResolver
    /// Secure cookies when Quire is served over https (its public URL says so).
    let secureCookies: Bool

    func visit(_ request: Request) async throws -> WebVisit {
        let cookies = request.cookies
        var user: UserRecord?
        var token: String?
        // A token is 43 base64url characters; anything else names no session and costs no statement.
        if let value = cookies[Self.sessionCookie]?.value, WebToken.isWellFormed(value),
           let found = try await resolver.user(tokenHash: SessionToken.hash(value)) {
            user = found
            token = value
        }
        if let csrf = cookies[Self.csrfCookie]?.value, WebToken.isWellFormed(csrf) {
            return WebVisit(user: user, sessionToken: token, csrf: csrf, newCSRFCookie: nil)
        }
        let csrf = SessionToken.make()
        return WebVisit(user: user, sessionToken: token, csrf: csrf, newCSRFCookie: cookie(Self.csrfCookie, csrf, maxAge: nil))
    }

    /// The visit and the posted form, once its `csrf` field matches the browser's CSRF cookie
    /// (double submit: another site can make a browser post, but can't read the cookie to copy
    /// it into the form). Anything else is a 403 page.
    func form(_ request: Request) async throws -> (WebVisit, WebForm) {
        var request = request
        let visit = try await visit(request)
        let body = try await request.collectBody(upTo: .max)
        let form = try WebForm(body: String(buffer: body))
        guard visit.newCSRFCookie == nil, let sent = form["csrf"], WebToken.equal(sent, visit.csrf) else {
            throw WebError.forgedForm
        }
        return (visit, form)
    }

    /// The session cookie for a new sign-in: HttpOnly, SameSite=Lax, for the session's life.
    func sessionCookie(_ token: String) -> Cookie {
        cookie(Self.sessionCookie, token, maxAge: Int(SessionToken.lifetime / 1_000_000))
    }

    /// Clears the session cookie.
    func clearedSessionCookie() -> Cookie {
        cookie(Self.sessionCookie, "", maxAge: 0)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}

/// Session and CSRF tokens as they travel in cookies and forms.
enum WebToken {
    static func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }

    /// Compares in time that doesn't depend on where the two differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
