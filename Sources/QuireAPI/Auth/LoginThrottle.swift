import Logging

/// Slows password guessing without locking owners out. Failed logins are counted per client
/// address and per account-and-address pair, never per account alone, so an attacker's guesses
/// make only the attacker's address wait and the owner still signs in from anywhere else. Past a
/// key's free failures each further failure makes it wait twice as long as the last, up to a cap
/// (429 with Retry-After). An attempt is counted when it is admitted, before the slow password
/// check, so guesses sent all at once are limited too. The counts live in the process: with
/// several Quire processes each keeps its own, which bounds guessing to a small multiple.
public actor LoginThrottle {
    /// What a client is held to, for one kind of key.
    public struct Policy: Sendable {
        /// Failures allowed before any wait.
        public var freeFailures: Int
        /// The wait after the last free failure; each further failure doubles it.
        public var firstWait: Duration
        public var longestWait: Duration

        public init(freeFailures: Int, firstWait: Duration, longestWait: Duration) {
            (self.freeFailures, self.firstWait, self.longestWait) = (freeFailures, firstWait, longestWait)
        }

        /// The wait after `failures` failures: none within the free ones, then doubling.
        func wait(after failures: Int) -> Duration {
            guard failures >= freeFailures else { return .zero }
            // 2^20 times any first wait is past any sensible cap; the shift must not overflow.
            return min(longestWait, firstWait * (1 << min(failures - freeFailures, 20)))
        }
    }

    /// What failures are counted against.
    enum Key: Hashable, Sendable {
        /// A client address (an IPv6 client by its /64, what one subscriber usually gets).
        case address(String)
        /// One account from one address: an owner who mistypes waits only where they mistyped.
        case pair(account: String, address: String)
    }

    /// The keys an admitted attempt holds until its outcome is known.
    struct Reservation: Sendable {
        fileprivate let keys: [Key]
    }

    enum Admission: Sendable {
        case admitted(Reservation)
        case refused(retryAfterSeconds: Int)
    }

    private struct Entry {
        var failures = 0
        /// Attempts admitted whose password is still being checked.
        var inFlight = 0
        var waitUntil: ContinuousClock.Instant?
        var lastUsed: ContinuousClock.Instant
    }

    let addressPolicy: Policy
    let pairPolicy: Policy
    /// A key with no failure for this long starts afresh; longer than the longest wait, so that
    /// sitting out the cap does not earn the free failures back.
    let forgetAfter: Duration
    /// At most this many keys are kept, whatever a flood of distinct addresses does.
    let maxKeys: Int
    private var entries: [Key: Entry] = [:]
    private var lastSweep = ContinuousClock.now
    private let logger = Logger(label: "quire.login-throttle")

    /// Twenty free failures per address and five per account and address, then 30 s doubling up to
    /// 15 minutes; a key is forgotten an hour after its last failure.
    public init(
        addressPolicy: Policy = Policy(freeFailures: 20, firstWait: .seconds(30), longestWait: .seconds(15 * 60)),
        pairPolicy: Policy = Policy(freeFailures: 5, firstWait: .seconds(30), longestWait: .seconds(15 * 60)),
        forgetAfter: Duration = .seconds(60 * 60),
        maxKeys: Int = 100_000
    ) {
        (self.addressPolicy, self.pairPolicy, self.forgetAfter, self.maxKeys) = (addressPolicy, pairPolicy, forgetAfter, maxKeys)
    }

    /// Admits the attempt and counts it against every key at once, or says how long to wait. An
    /// admitted attempt must be ended with `finish` or `abandon`.
    func admit(_ keys: [Key], now: ContinuousClock.Instant = .now) -> Admission {
        sweepIfDue(now: now)
        var wait = Duration.zero
        for key in keys {
            guard let entry = current(key, now: now) else { continue }
            let policy = policy(for: key)
            if let until = entry.waitUntil, until > now {
                wait = max(wait, until - now)
            } else if isFull(entry, policy) {
                // Their outcome decides, within about a password check.
                wait = max(wait, .seconds(1))
            }
        }
        guard wait == .zero else { return .refused(retryAfterSeconds: Self.wholeSeconds(wait)) }
        for key in keys {
            entries[key, default: Entry(lastUsed: now)].inFlight += 1
            entries[key]?.lastUsed = now
        }
        if entries.count > maxKeys { evictOldest() }
        return .admitted(Reservation(keys: keys))
    }

    /// Records the attempt's outcome. A success clears the account-and-address pair it signed in
    /// from, not the address, since an attacker could sign in to an account of their own between guesses.
    func finish(_ reservation: Reservation, succeeded: Bool, now: ContinuousClock.Instant = .now) {
        for key in reservation.keys {
            guard var entry = entries[key] else { continue }
            entry.inFlight = max(0, entry.inFlight - 1)
            entry.lastUsed = now
            if !succeeded {
                entry.failures += 1
                let wait = policy(for: key).wait(after: entry.failures)
                entry.waitUntil = wait > .zero ? now + wait : nil
            } else if case .pair = key {
                (entry.failures, entry.waitUntil) = (0, nil)
            }
            entries[key] = entry.failures == 0 && entry.inFlight == 0 ? nil : entry
        }
    }

    /// Gives the attempt back without an outcome (the check itself failed).
    func abandon(_ reservation: Reservation) {
        for key in reservation.keys {
            guard var entry = entries[key] else { continue }
            entry.inFlight = max(0, entry.inFlight - 1)
            entries[key] = entry.failures == 0 && entry.inFlight == 0 ? nil : entry
        }
    }

    /// How many keys are kept, for tests of the bound.
    var keyCount: Int { entries.count }

    private func policy(for key: Key) -> Policy {
        switch key {
        case .address: addressPolicy
        case .pair: pairPolicy
        }
    }

    /// Whether attempts still being checked hold every attempt the key may make now: the rest of
    /// its free failures, or the one try allowed after a wait.
    private func isFull(_ entry: Entry, _ policy: Policy) -> Bool {
        if entry.failures < policy.freeFailures { return entry.failures + entry.inFlight >= policy.freeFailures }
        return entry.inFlight > 0
    }

    private func current(_ key: Key, now: ContinuousClock.Instant) -> Entry? {
        guard let entry = entries[key] else { return nil }
        guard isForgotten(entry, now: now) else { return entry }
        entries[key] = nil
        return nil
    }

    private func isForgotten(_ entry: Entry, now: ContinuousClock.Instant) -> Bool {
        entry.inFlight == 0 && now - entry.lastUsed >= forgetAfter && (entry.waitUntil.map { $0 <= now } ?? true)
    }

    /// Drops forgotten keys once a minute, so that keys never asked about again don't stay.
    private func sweepIfDue(now: ContinuousClock.Instant) {
        guard now - lastSweep >= .seconds(60) else { return }
        lastSweep = now
        entries = entries.filter { !isForgotten($0.value, now: now) }
    }

    /// Past the cap, the least recently used tenth goes (attempts in flight stay). Only a flood of
    /// distinct addresses gets here, and it could cost a real attacker their waits, so it is logged.
    private func evictOldest() {
        let idle = entries.filter { $0.value.inFlight == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }
        let dropped = idle.prefix(max(1, entries.count - maxKeys * 9 / 10))
        for (key, _) in dropped { entries[key] = nil }
        logger.warning("login throttle full; forgot the least recently used keys", metadata: ["dropped": "\(dropped.count)", "cap": "\(maxKeys)"])
    }

    private static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}
