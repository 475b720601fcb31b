import QuireStore

/// The one way a session token becomes its user, whether it came in a bearer header (the API) or
/// a cookie (the web pages): the process's `SessionCache` first, then `sessions` and `users`.
public struct SessionResolver: Sendable {
    let database: Database
    let sessions: SessionCache

    public init(database: Database, sessions: SessionCache) {
        self.database = database
        self.sessions = sessions
    }

    /// The user of a live session with this token hash, or nil when it is unknown, revoked or expired.
    public func user(tokenHash hash: String) async throws -> UserRecord? {
        let now = Timestamp.microsecondsNow()
        if let user = sessions.user(tokenHash: hash, now: now) { return user }
        let removals = sessions.removals
        guard let session = try await database.read({ try await SessionQueries.live(tokenHash: hash, now: now, on: $0) }) else { return nil }
        sessions.store(tokenHash: hash, session: session, now: now, removals: removals)
        return session.user
    }

    /// Ends the session with this token hash in the database; its commit removes it from every
    /// session cache (`SessionCache.dropped`).
    public func revoke(tokenHash hash: String) async throws {
        _ = try await database.write { try await SessionQueries.delete(tokenHash: hash, on: $0) }
    }
}
