import QuireCore
import SQLKit

/// An account as stored.
public struct UserRecord: Sendable, Equatable {
    public let id: Int64
    public let username: String
    public let displayName: String?
    public let bio: String?
    public let defaultPrivacy: String
    public let manuallyApprovesFollowers: Bool
    public let isAdmin: Bool
    public let createdAt: Int64
}

public struct NewUser: Sendable {
    public let username: String
    public let email: String?
    public let passwordHash: String?
    public let isAdmin: Bool

    public init(username: String, email: String?, passwordHash: String?, isAdmin: Bool = false) {
        self.username = username
        self.email = email
        self.passwordHash = passwordHash
        self.isAdmin = isAdmin
    }
}

/// Reads and writes of `users`.
public enum UserQueries {
    static let columns = ["id", "username", "display_name", "bio", "default_privacy", "manually_approves_followers", "is_admin", "created_at"]

    /// Inserts the user, or returns nil when the username is taken in any letter case
    /// (the unique index `users_username_key` decides, so two racing sign-ups can't both win).
    public static func create(_ user: NewUser, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.raw("""
            INSERT INTO users (username, username_key, email, password_hash, is_admin, created_at)
            VALUES (\(bind: user.username), \(bind: AccountRules.usernameKey(user.username)), \(bind: user.email),
                    \(bind: user.passwordHash), \(bind: user.isAdmin), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (username_key) DO NOTHING
            RETURNING \(unsafeRaw: columns.joined(separator: ", "))
            """).first().map(decode)
    }

    /// Looks a user up by name, ignoring case, through `users_username_key`.
    public static func find(username: String, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.select().columns(columns.map { SQLColumn($0) }).from("users")
            .where("username_key", .equal, AccountRules.usernameKey(username))
            .first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> UserRecord {
        UserRecord(
            id: try row.decode(column: "id", as: Int64.self),
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String?.self),
            bio: try row.decode(column: "bio", as: String?.self),
            defaultPrivacy: try row.decode(column: "default_privacy", as: String.self),
            manuallyApprovesFollowers: try row.decode(column: "manually_approves_followers", as: Bool.self),
            isAdmin: try row.decode(column: "is_admin", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self)
        )
    }
}
