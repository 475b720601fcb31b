/// Accounts. `username_key` is the lower-cased username: uniqueness ignores case, and lookups by
/// name go through its unique index on both engines. Instants are Unix microseconds in BIGINT
/// columns, so the same queries and keyset cursors serve both engines.
let m001CreateUsers = Migration(version: 1, name: "create users") { engine in
    [
        """
        CREATE TABLE users (
            id \(engine.idColumn),
            username TEXT NOT NULL,
            username_key TEXT NOT NULL,
            email TEXT,
            password_hash TEXT,
            display_name TEXT,
            bio TEXT,
            default_privacy TEXT NOT NULL DEFAULT 'public',
            manually_approves_followers \(engine.booleanType) NOT NULL DEFAULT \(engine == .sqlite ? "0" : "FALSE"),
            is_admin \(engine.booleanType) NOT NULL DEFAULT \(engine == .sqlite ? "0" : "FALSE"),
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX users_username_key ON users (username_key)",
    ]
}
