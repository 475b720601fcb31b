import Foundation
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import QuireCore
import QuireStore

/// Signing in and out.
///
///     POST   /v1/sessions           log in with username and password; returns a bearer token
///     DELETE /v1/sessions/current   revoke the token used for this request
public struct SessionsController: Sendable {
    let database: Database
    /// The cost of the decoy hash an unknown username is checked against: that of new hashes.
    let bcryptCost: UInt8
    let trustedProxies: TrustedProxies
    let throttle: LoginThrottle

    public init(
        database: Database, bcryptCost: UInt8,
        trustedProxies: TrustedProxies = TrustedProxies(), throttle: LoginThrottle = LoginThrottle()
    ) {
        self.database = database
        self.bcryptCost = bcryptCost
        self.trustedProxies = trustedProxies
        self.throttle = throttle
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post("/v1/sessions", use: create)
        router.delete("/v1/sessions/current", use: deleteCurrent)
    }

    struct LoginRequest: Decodable {
        let username: String?
        let password: String?
    }

    struct SessionResponse: ResponseEncodable {
        let token: String
        let tokenType = "Bearer"
        let expiresAt: Date
        let account: AccountResponse
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> EditedResponse<SessionResponse> {
        let input = try await request.decodeInput(as: LoginRequest.self)
        let username = try required(input.username, "username")
        let password = try required(input.password, "password")
        let forwardedFor = request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
        let session = try await signIn(username: username, password: password, peer: context.clientAddress, forwardedFor: forwardedFor)
        let (token, user, expiresAt) = (session.token, session.user, session.expiresAt)
        return EditedResponse(status: .created, response: SessionResponse(
            token: token, expiresAt: Timestamp.date(microseconds: expiresAt), account: AccountResponse(user)))
    }

    /// Checks the password under the login throttle and opens a session: the API's sign-in and the
    /// web page's share it, and so share the throttle's counts. A wrong password is a 401.
    public func signIn(
        username: String, password: String, peer: String?, forwardedFor: [String]
    ) async throws -> (token: String, user: UserRecord, expiresAt: Int64) {
        let reservation = try await admit(username: username, peer: peer, forwardedFor: forwardedFor)
        let user: UserRecord?
        do {
            user = try await self.user(named: username, password: password)
        } catch {
            await throttle.abandon(reservation)
            throw error
        }
        await throttle.finish(reservation, succeeded: user != nil)
        guard let user else { throw APIError(.unauthorized, code: "invalid_credentials", message: "username or password is wrong") }
        let token = SessionToken.make()
        let expiresAt = Timestamp.microsecondsNow() + SessionToken.lifetime
        try await database.write {
            try await SessionQueries.create(userID: user.id, tokenHash: SessionToken.hash(token), expiresAt: expiresAt, on: $0)
        }
        return (token, user, expiresAt)
    }

    /// Counts the attempt against its client address and its account from that address, or
    /// refuses it with 429 and how long to wait.
    private func admit(username: String, peer: String?, forwardedFor: [String]) async throws -> LoginThrottle.Reservation {
        let client = trustedProxies.client(peer: peer, forwardedFor: forwardedFor)
        // One subscriber usually has a whole IPv6 /64, so that is the address that waits.
        let address = client.map { $0.bytes.count == 16 ? "\($0.prefix(64))/64" : "\($0)" } ?? "unknown"
        let account = AccountRules.usernameKey(username)
        switch await throttle.admit([.address(address), .pair(account: account, address: address)]) {
        case .admitted(let reservation):
            return reservation
        case .refused(let wait):
            var error = APIError(.tooManyRequests, code: "too_many_attempts", message: "too many failed logins; try again in \(wait) seconds")
            error.headers[.retryAfter] = "\(wait)"
            throw error
        }
    }

    /// The user whose password this is, or nil.
    private func user(named username: String, password: String) async throws -> UserRecord? {
        let found = try await database.read { try await UserQueries.findWithPassword(username: username, on: $0) }
        let storedHash = found?.passwordHash
        let cost = bcryptCost
        let matches = try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(password, hash: storedHash ?? DecoyHash.hash(cost: cost))
        }
        // bcrypt stops at a NUL, so "abc\0x" would match the hash of "abc"; no password set has one.
        guard matches, storedHash != nil, !password.utf8.contains(0) else { return nil }
        return found?.user
    }

    @Sendable func deleteCurrent(_ request: Request, context: QuireRequestContext) async throws -> HTTPResponse.Status {
        _ = try context.requireUser()
        guard let hash = context.tokenHash else { throw APIError.unauthorized }
        // Its commit removes the session from every session cache (`SessionCache.dropped`).
        _ = try await database.write { try await SessionQueries.delete(tokenHash: hash, on: $0) }
        return .noContent
    }
}
