/// Bearer tokens. Only the SHA-256 of a token is stored; the unique index on it is how every
/// authenticated request finds its session.
let m002CreateSessions = Migration(version: 2, name: "create sessions") { engine in
    [
        """
        CREATE TABLE sessions (
            id \(engine.idColumn),
            user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash)",
        "CREATE INDEX sessions_user ON sessions (user_id)",
    ]
}
