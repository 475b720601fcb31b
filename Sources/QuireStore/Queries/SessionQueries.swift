import SQLKit

/// Bearer-token sessions. Tokens themselves are never stored: callers pass their SHA-256.
public enum SessionQueries {
    // Built once: this statement runs for every authenticated request.
    private static let userColumns = UserQueries.columns.map { "u." + $0 }.joined(separator: ", ")

    public static func create(userID: Int64, tokenHash: String, expiresAt: Int64, on db: any SQLDatabase) async throws {
        try await db.insert(into: "sessions")
            .columns("user_id", "token_hash", "created_at", "expires_at")
            .values(SQLBind(userID), SQLBind(tokenHash), SQLBind(Timestamp.microsecondsNow()), SQLBind(expiresAt))
            .run()
    }

    /// A live session: its user, and when it expires (microseconds), which bounds how long it may be cached.
    public struct LiveSession: Sendable {
        public let user: UserRecord
        public let expiresAt: Int64
    }

    /// The session of a live token, through the unique index `sessions_token_hash`, in one statement.
    public static func live(tokenHash: String, now: Int64, on db: any SQLDatabase) async throws -> LiveSession? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.userColumns), s.expires_at AS session_expires_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: now)
            """).first().map { row in
                LiveSession(user: try UserQueries.decode(row), expiresAt: try row.decode(column: "session_expires_at", as: Int64.self))
            }
    }

    /// Revokes one token; returns whether it existed.
    public static func delete(tokenHash: String, on db: any SQLDatabase) async throws -> Bool {
        db.changed(.session(tokenHash))
        return try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash) RETURNING id").first() != nil
    }
}
