import NIOCore
import QuireCore
import SQLKit

/// An account as stored: immutable, and a class for the reason `StatusRecord` is one (every
/// status on a page looks up its author's record).
public final class UserRecord: Sendable, Equatable {
    public let id: Int64
    public let username: String
    public let displayName: String?
    public let bio: String?
    public let defaultPrivacy: String
    public let manuallyApprovesFollowers: Bool
    public let isAdmin: Bool
    public let createdAt: Int64
    /// Its JSON as lists show who posted (`{"id","username","display_name"}`), once a response has written it.
    public let renderedAccount = Rendered<ByteBuffer>()

    /// For building pages without a database (Benchmarks/Micro); rows are decoded by UserQueries.
    public init(id: Int64, username: String, displayName: String? = nil, bio: String? = nil, defaultPrivacy: String = "public",
                manuallyApprovesFollowers: Bool = false, isAdmin: Bool = false, createdAt: Int64) {
        (self.id, self.username, self.displayName, self.bio, self.defaultPrivacy) = (id, username, displayName, bio, defaultPrivacy)
        (self.manuallyApprovesFollowers, self.isAdmin, self.createdAt) = (manuallyApprovesFollowers, isAdmin, createdAt)
    }

    /// Equal when every stored field is: two reads of the same row.
    public static func == (lhs: UserRecord, rhs: UserRecord) -> Bool {
        lhs.id == rhs.id && lhs.username == rhs.username && lhs.displayName == rhs.displayName && lhs.bio == rhs.bio
            && lhs.defaultPrivacy == rhs.defaultPrivacy && lhs.manuallyApprovesFollowers == rhs.manuallyApprovesFollowers
            && lhs.isAdmin == rhs.isAdmin && lhs.createdAt == rhs.createdAt
    }
}

extension UserRecord {
    /// What an entry holds in memory, roughly: the struct, its strings, the dictionary slot.
    var cacheBytes: Int { 160 + RenderedBytes.summary + username.utf8.count + (displayName?.utf8.count ?? 0) + (bio?.utf8.count ?? 0) + defaultPrivacy.utf8.count }
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

/// Changes to an account; nil leaves a field as it is, `.some(nil)` clears it.
public struct UserChanges: Sendable {
    public var displayName: String??
    public var bio: String??
    public var defaultPrivacy: String?
    public var manuallyApprovesFollowers: Bool?

    public init(displayName: String??, bio: String??, defaultPrivacy: String?, manuallyApprovesFollowers: Bool?) {
        self.displayName = displayName
        self.bio = bio
        self.defaultPrivacy = defaultPrivacy
        self.manuallyApprovesFollowers = manuallyApprovesFollowers
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

    /// Looks a user up by name, ignoring case, through `users_username_key`; outside a write
    /// transaction from the process's cache when it holds them.
    public static func find(username: String, on db: any SQLDatabase) async throws -> UserRecord? {
        let key = AccountRules.usernameKey(username)
        guard let caches = db.readCaches else { return try await read(usernameKey: key, on: db) }
        if let id = caches.userNames.value(key), let user = caches.users.value(id),
           AccountRules.usernameKey(user.username) == key {
            return user
        }
        let (names, users) = (caches.userNames.generation, caches.users.generation)
        guard let user = try await read(usernameKey: key, on: db) else { return nil }
        caches.userNames.store(key, user.id, bytes: 64 + key.utf8.count, generation: names)
        caches.users.store(user.id, user, bytes: user.cacheBytes, generation: users)
        return user
    }

    private static func read(usernameKey: String, on db: any SQLDatabase) async throws -> UserRecord? {
        try await db.select().columns(columns.map { SQLColumn($0) }).from("users")
            .where("username_key", .equal, usernameKey)
            .first().map(decode)
    }

    /// Users by id, for a page that names them, in one statement for those not cached.
    public static func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: UserRecord] {
        try await EntityCache.readThrough(db.readCaches?.users, ids, bytes: \.cacheBytes) { missing in
            try await db.select().columns(columns.map { SQLColumn($0) }).from("users").where("id", .in, missing).all().map { row in
                let user = try decode(row)
                return (user.id, user)
            }
        }
    }

    /// Applies `changes` and returns the account as it now is.
    public static func update(_ id: Int64, _ changes: UserChanges, on db: any SQLDatabase) async throws -> UserRecord? {
        let update = db.update("users").where("id", .equal, id)
        guard changes.displayName != nil || changes.bio != nil || changes.defaultPrivacy != nil || changes.manuallyApprovesFollowers != nil else {
            return try await db.select().columns(columns.map { SQLColumn($0) }).from("users").where("id", .equal, id).first().map(decode)
        }
        db.changed(.user(id))
        if let value = changes.displayName { update.set("display_name", to: value) }
        if let value = changes.bio { update.set("bio", to: value) }
        if let value = changes.defaultPrivacy { update.set("default_privacy", to: value) }
        if let value = changes.manuallyApprovesFollowers { update.set("manually_approves_followers", to: value) }
        return try await update.returning(columns.map { SQLColumn($0) }).first().map(decode)
    }

    /// Makes a user an administrator; returns whether the user exists.
    public static func grantAdmin(username: String, on db: any SQLDatabase) async throws -> Bool {
        guard let row = try await db.update("users").set("is_admin", to: true)
            .where("username_key", .equal, AccountRules.usernameKey(username))
            .returning("id").first()
        else { return false }
        db.changed(.user(try row.decode(column: "id", as: Int64.self)))
        return true
    }

    /// The user and their password hash, for logging in.
    public static func findWithPassword(username: String, on db: any SQLDatabase) async throws -> (user: UserRecord, passwordHash: String?)? {
        guard let row = try await db.select().columns((columns + ["password_hash"]).map { SQLColumn($0) }).from("users")
            .where("username_key", .equal, AccountRules.usernameKey(username)).first()
        else { return nil }
        return (try decode(row), try row.decode(column: "password_hash", as: String?.self))
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
