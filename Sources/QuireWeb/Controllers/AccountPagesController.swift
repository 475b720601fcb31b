import Hummingbird
import QuireAPI
import QuireStore

/// Signing up, in and out.
///
///     GET  /signup    the sign-up form
///     POST /signup    make the account (the API's registration), sign in, go home
///     GET  /signin    the sign-in form (`?next=` a page to come back to)
///     POST /signin    check the password (the API's sign-in and throttle), set the session cookie
///     POST /signout   end this session and clear the cookie
struct AccountPagesController: Sendable {
    let web: WebEnvironment

    func addRoutes(to router: RouterGroup<QuireRequestContext>) {
        router.get("/signup", use: signUpForm)
        router.post("/signup", use: signUp)
        router.get("/signin", use: signInForm)
        router.post("/signin", use: signIn)
        router.post("/signout", use: signOut)
    }

    struct AccountForm: Sendable {
        let username: String
        let email: String
        let next: String
    }

    @Sendable func signUpForm(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        if visit.signedIn { return PageRenderer.redirect("/") }
        return web.renderer.page("signup", title: "Sign up", visit: visit, AccountForm(username: "", email: "", next: "/"))
    }

    @Sendable func signUp(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let username = form["username"] ?? ""
        let email = form["email"] ?? ""
        let again = AccountForm(username: username, email: email, next: "/")
        do {
            _ = try await web.accounts.register(username: username, email: email, password: form["password"] ?? "")
            let session = try await web.sessions.signIn(
                username: username, password: form["password"] ?? "", peer: context.clientAddress, forwardedFor: forwardedFor(request))
            return PageRenderer.redirect("/", cookies: [web.visits.sessionCookie(session.token)])
        } catch let error as APIError {
            return web.renderer.page("signup", title: "Sign up", visit: visit, again, message: error.message, status: error.status)
        }
    }

    @Sendable func signInForm(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let visit = try await web.visits.visit(request)
        let next = WebPath.local(request.uri.queryParameters.get("next"))
        if visit.signedIn { return PageRenderer.redirect(next) }
        return web.renderer.page("signin", title: "Sign in", visit: visit, AccountForm(username: "", email: "", next: next))
    }

    @Sendable func signIn(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, form) = try await web.visits.form(request)
        let username = form["username"] ?? ""
        let next = WebPath.local(form["next"])
        do {
            let session = try await web.sessions.signIn(
                username: username, password: form["password"] ?? "", peer: context.clientAddress, forwardedFor: forwardedFor(request))
            return PageRenderer.redirect(next, cookies: [web.visits.sessionCookie(session.token)])
        } catch let error as APIError {
            var response = web.renderer.page(
                "signin", title: "Sign in", visit: visit, AccountForm(username: username, email: "", next: next), message: error.message, status: error.status)
            if let retry = error.headers[.retryAfter] { response.headers[.retryAfter] = retry }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let (visit, _) = try await web.visits.form(request)
        if let token = visit.sessionToken { try await web.visits.resolver.revoke(tokenHash: SessionToken.hash(token)) }
        return PageRenderer.redirect("/", cookies: [web.visits.clearedSessionCookie()])
    }

    private func forwardedFor(_ request: Request) -> [String] {
        request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
    }
}
