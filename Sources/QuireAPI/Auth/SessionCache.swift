import Metrics
import QuireCore
import QuireStore
import Synchronization

/// Live sessions held in this process for a few seconds, so an authenticated request does not
/// read `sessions` and `users` every time. The read was one of the two statements of starting a
/// job and most of the difference between `GET /v1/me` and the framework floor under load.
///
/// What may be stale, and for how long:
/// - Signing out and changing the account (`PATCH /v1/me`) in this process take effect at once:
///   their commit removes the entries they make wrong (`Caches.observe`: the session's key,
///   `CacheKey.session`, and the user's).
/// - On PostgreSQL, signing out or an account change through another process reaches this one
///   as the other caches' changes do, through LISTEN/NOTIFY, and removes the entries; while the
///   listener is away nothing is served from here.
/// - On SQLite another process's writes (the `quire users` command beside `quire serve`) are
///   not heard: they are seen here within `ttl`. On PostgreSQL, where every change is heard, an
///   entry lives until its session ends (or it is evicted): with a TTL, each hot session's
///   expiry sent every request on it to the database until one read came back. In the large
///   mixed load (60 s of warm-up, 10 s measured) the cache served 91% to 94% of its reads with
///   a TTL of 5 s, 93% to 94.5% with 60 s, and 100% (4,735 hits, no miss) kept until the end.
/// - A session past its own expiry is never served, whatever `ttl` says.
///
/// Bounded: at `capacity` entries the expired ones go, and if none have, all of them (the next
/// requests read their sessions again), so memory stays flat whatever the number of tokens.
public final class SessionCache: Sendable {
    struct Entry {
        let user: UserRecord
        /// The session's own expiry and the end of this entry's life, both in microseconds.
        let sessionExpiresAt: Int64
        let cachedUntil: Int64
    }

    /// 0 turns the cache off: every request reads its session.
    public let ttlMicroseconds: Int64
    let capacity: Int
    /// The entries, and how many removals there have been: a lookup that read the database before
    /// a removal must not store what it read after it (`store` checks).
    private let state = Mutex<(entries: [String: Entry], removals: UInt64)>(([:], 0))
    private static let hits = Counter(label: "quire_cache_hits_total", dimensions: [("cache", "sessions")])
    private static let misses = Counter(label: "quire_cache_misses_total", dimensions: [("cache", "sessions")])

    /// The process's caches, whose drops and clears this one follows: whether they hear every
    /// write that could make an entry wrong, and other processes' (then `ttl` is not needed).
    private let caches: Caches

    public init(ttl: Duration, capacity: Int = 10_000, caches: Caches) {
        self.ttlMicroseconds = max(0, ttl.microseconds)
        self.capacity = capacity
        self.caches = caches
        caches.observe(self)
    }

    /// The user of a live cached session, counting the hit or the miss.
    func user(tokenHash: String, now: Int64) -> UserRecord? {
        guard ttlMicroseconds > 0, caches.hearsEveryWrite else { return nil }
        let user = state.withLock { state -> UserRecord? in
            guard let entry = state.entries[tokenHash] else { return nil }
            guard entry.cachedUntil > now, entry.sessionExpiresAt > now else {
                state.entries[tokenHash] = nil
                return nil
            }
            return entry.user
        }
        (user == nil ? Self.misses : Self.hits).increment()
        return user
    }

    /// Taken before reading a session from the database, and given back to `store`.
    var removals: UInt64 { state.withLock { $0.removals } }

    /// Keeps a session read from the database, unless something was removed since `removals`
    /// was taken: the read may predate a sign-out or an account change.
    func store(tokenHash: String, session: SessionQueries.LiveSession, now: Int64, removals: UInt64) {
        guard ttlMicroseconds > 0, caches.hearsEveryWrite else { return }
        let cachedUntil = caches.hearsOtherProcesses ? session.expiresAt : now + ttlMicroseconds
        let entry = Entry(user: session.user, sessionExpiresAt: session.expiresAt, cachedUntil: cachedUntil)
        state.withLock { state in
            guard state.removals == removals else { return }
            if state.entries.count >= capacity, state.entries[tokenHash] == nil {
                state.entries = state.entries.filter { $0.value.cachedUntil > now && $0.value.sessionExpiresAt > now }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[tokenHash] = entry
        }
    }
}

extension SessionCache: CacheObserver {
    /// A sign-out's session, or an account's every session (it carries the old record),
    /// committed here or heard from another process.
    public func dropped(_ keys: Set<CacheKey>) {
        var hashes: [String] = []
        var users: Set<Int64> = []
        for key in keys {
            switch key {
            case .session(let hash): hashes.append(hash)
            case .user(let id): users.insert(id)
            default: break
            }
        }
        guard !hashes.isEmpty || !users.isEmpty else { return }
        state.withLock { state in
            for hash in hashes { state.entries[hash] = nil }
            if !users.isEmpty { state.entries = state.entries.filter { !users.contains($0.value.user.id) } }
            state.removals &+= 1
        }
    }

    /// The listener was lost or is back: whatever it missed may be held here.
    public func cleared(trusted: Bool) {
        state.withLock { state in
            state.entries.removeAll()
            state.removals &+= 1
        }
    }
}
