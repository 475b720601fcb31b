import Logging
import Synchronization

/// The process's caches of what is read far more than written, and the one place committed
/// changes reach them: `Database` calls `committed` after each write transaction that recorded
/// keys, and, on PostgreSQL, `heard` for every other process's (see `CacheListener`).
public final class Caches: Sendable {
    /// Users by id; a name is looked up through `userNames`.
    public let users: EntityCache<Int64, UserRecord>
    let userNames: EntityCache<String, Int64>
    /// Editions by id, with their work's authors: an edition read in two statements.
    let editions: EntityCache<Int64, EditionWithAuthors>
    /// An ISBN-13 to the id of the edition that had it when read; `findWithAuthors(isbn13:)`
    /// checks the edition still has it, so dropping the edition is enough.
    let editionISBNs: EntityCache<String, Int64>
    /// The counts a profile shows, by user id: the same for every viewer, who is shown only
    /// those they may see when the profile is written.
    let profileCounts: EntityCache<Int64, ProfileCounts>
    /// Statuses by id, as stored (a deleted one too: what a reader may see is decided by the
    /// statement that picks a page's ids, never by the cache).
    let statuses: EntityCache<Int64, StatusRecord>
    /// A status's like, boost and reply counts, summed over its shards: the same for every viewer.
    let statusCounts: EntityCache<Int64, StatusCounts>
    /// Each reader's likes and boosts of the statuses they were shown (`ViewerReactions`), by
    /// reader: their own reactions make it forget the statuses reacted to.
    let reactions: EntityCache<Int64, ViewerReactions>
    /// The broadcasters each reader follows, by reader, in id order, as a home page on SQLite
    /// merges their statuses in (`HomeTimelineQueries`): the reader's follows and anyone's
    /// becoming a broadcaster drop it.
    let broadcastersFollowed: EntityCache<Int64, [Int64]>
    /// The first page of each reader's home timeline, by reader (`HomeHeads`, which says what
    /// drops it).
    let homes: HomeHeads
    /// Shelves by id: who owns each and who may see it, and its newest shelvings, so a shelf's
    /// first page, read by everyone who opens the shelf, needs no statement but the editions'.
    let shelves: EntityCache<Int64, ShelfHead>
    /// Search pages, by their words and place: the editions' ids and scores, which are the same
    /// for every reader. Any write to the editions searched empties it (`CacheKey.catalog`).
    let searches: EntityCache<SearchPageKey, [SearchPageHit]>

    /// Caches kept outside this one (the API's sessions), told of every drop and clear here.
    private let observers = Mutex<[any CacheObserver]>([])
    /// Whether the listener listens: always true on SQLite. Unlike `isServing`, `disable` leaves it be.
    private let hearing: Atomic<Bool>
    /// Whether every write that could make an entry wrong reaches this process in time: on SQLite
    /// always, on PostgreSQL while the listener listens and its last echo is recent (`CacheFreshness`).
    public var hearsEveryWrite: Bool { hearing.load(ordering: .acquiring) && freshness?.isFresh != false }
    /// On PostgreSQL, how recently the listener's echo came back; nil on SQLite.
    let freshness: CacheFreshness?
    /// How many lookups went to the database because the listener's last echo was too old (always
    /// 0 on SQLite): a read that ran statements while this moved was not the caches' fault.
    public var lookupsBehind: Int { freshness?.timesBehind ?? 0 }
    /// Whether other processes' writes reach this one (PostgreSQL's LISTEN/NOTIFY); on SQLite
    /// only this process's own do.
    public let hearsOtherProcesses: Bool

    /// `observer` hears, from now on, every set of keys dropped here (a write committed in this
    /// process, or heard from another) and every clear.
    public func observe(_ observer: any CacheObserver) {
        observers.withLock { $0.append(observer) }
    }

    /// `trusted`: whether every write the caches must hear of reaches them from the start. On
    /// PostgreSQL they serve nothing until the listener is listening.
    init(limits: CacheLimits, trusted: Bool) {
        hearing = Atomic(trusted)
        // Trusted from the start on SQLite, whose other processes are never heard; on
        // PostgreSQL once the listener listens.
        hearsOtherProcesses = !trusted
        origin = "o" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        let freshness = trusted ? nil : CacheFreshness(origin: origin)
        self.freshness = freshness
        users = EntityCache(name: "users", limits: limits, trusted: trusted, freshness: freshness)
        userNames = EntityCache(name: "user_names", limits: limits, trusted: trusted, freshness: freshness)
        editions = EntityCache(name: "editions", limits: limits, trusted: trusted, freshness: freshness)
        editionISBNs = EntityCache(name: "edition_isbns", limits: limits, trusted: trusted, freshness: freshness)
        profileCounts = EntityCache(name: "profile_counts", limits: limits, trusted: trusted, freshness: freshness)
        statuses = EntityCache(name: "statuses", limits: limits, trusted: trusted, freshness: freshness)
        statusCounts = EntityCache(name: "status_counts", limits: limits, trusted: trusted, freshness: freshness)
        reactions = EntityCache(name: "reactions", limits: limits, trusted: trusted, freshness: freshness)
        broadcastersFollowed = EntityCache(name: "broadcasters_followed", limits: limits, trusted: trusted, freshness: freshness)
        homes = HomeHeads(limits: limits, trusted: trusted, freshness: freshness)
        shelves = EntityCache(name: "shelves", limits: limits, trusted: trusted, freshness: freshness)
        searches = EntityCache(name: "searches", limits: limits, trusted: trusted, freshness: freshness)
    }

    /// A write in this process committed: its keys are dropped and its deltas added to the
    /// counts it held. A count also dropped (a repair, a shelf's removal) is dropped first, so
    /// the drop wins.
    func committed(_ changes: TransactionChanges) {
        let (keys, profiles, statuses) = changes.contents
        if !keys.isEmpty {
            // A follow of someone who is no broadcaster leaves the follower's list as it was (and
            // their home head to the keys of the statuses it copied in),
            // unless an account became one after the follow's key was recorded (and before its
            // statement read that the followee was none): this process has heard every such
            // change before its `broadcastersEpoch` moved, and one not heard yet empties every
            // list when it is. Other processes, who can't tell, drop the list.
            let epoch = broadcastersEpoch
            drop(keys, followingNoNewBroadcaster: Set(changes.unchangedBroadcasterLists.filter { $0.value == epoch }.keys))
        }
        for (id, delta) in profiles { profileCounts.update(id) { $0.add(delta) } }
        for (id, delta) in statuses { statusCounts.update(id) { $0.add(delta) } }
    }

    /// A write in this process failed, or may not have committed (its COMMIT's answer was lost):
    /// the counts it held are dropped rather than guessed. Its other keys changed nothing.
    func abandoned(_ changes: TransactionChanges) {
        let (_, profiles, statuses) = changes.contents
        if !profiles.isEmpty { profileCounts.abandon(Array(profiles.keys)) }
        if !statuses.isEmpty { statusCounts.abandon(Array(statuses.keys)) }
    }

    /// Names this process in its NOTIFY payloads, so it ignores its own: `committed` has
    /// already dropped those keys, and dropping them again would refuse stores for nothing.
    let origin: String

    /// A NOTIFY payload: the sending process's `origin`, then the keys, separated by spaces.
    func payloads(_ keys: Set<CacheKey>) -> [String] {
        var payloads: [String] = []
        var payload = origin
        for key in keys {
            // PostgreSQL refuses payloads of 8,000 bytes or more.
            if payload.utf8.count > 7_000 {
                payloads.append(payload)
                payload = origin
            }
            payload += " " + key.text
        }
        payloads.append(payload)
        return payloads
    }

    /// Another process's write committed. A key this version can't read empties everything
    /// rather than leave something stale.
    func heard(_ payload: String) {
        var keys: Set<CacheKey> = []
        let parts = payload.split(separator: " ")
        guard parts.first != origin[...] else { return }
        for text in parts.dropFirst() {
            guard let key = CacheKey(text: text) else {
                clear(trusted: true)
                return
            }
            keys.insert(key)
        }
        drop(keys)
    }

    /// Moved each time someone becomes a broadcaster (`CacheKey.broadcasters`, heard or
    /// committed here) or the caches are emptied: see `committed`.
    var broadcastersEpoch: UInt64 { epoch.load(ordering: .acquiring) }
    private let epoch = Atomic<UInt64>(0)

    /// `kept`: readers whose follows in the write were all of accounts read to be no broadcaster,
    /// whose lists of broadcasters followed and home heads the follows' `following` keys leave.
    private func drop(_ keys: Set<CacheKey>, followingNoNewBroadcaster kept: Set<Int64> = []) {
        for observer in observers.withLock({ $0 }) { observer.dropped(keys) }
        var (users, editions, counts, statuses, statusCounts, shelves): ([Int64], [Int64], [Int64], [Int64], [Int64], [Int64]) = ([], [], [], [], [], [])
        var (following, homes, posted): ([Int64], [Int64], [Int64]) = ([], [], [])
        var reacted: [Int64: [Int64]] = [:]
        var entered: [Int64: [HomeHead.Entry]] = [:]
        var broadcasters = false
        var catalog = false
        for key in keys {
            switch key {
            case .user(let id): users.append(id)
            case .edition(let id): editions.append(id)
            case .profileCounts(let id): counts.append(id)
            case .status(let id): statuses.append(id)
            case .statusCounts(let id): statusCounts.append(id)
            case .reacted(let reader, let status): reacted[reader, default: []].append(status)
            case .following(let id): following.append(id)
            case .home(let id): homes.append(id)
            case .entered(let reader, let status, let author):
                entered[reader, default: []].append(HomeHead.Entry(id: status, boostOfID: nil, authorID: author))
            case .posted(let id): posted.append(id)
            case .broadcasters: broadcasters = true
            case .shelf(let id): shelves.append(id)
            case .catalog: catalog = true
            case .session: break
            }
        }
        // An edited title may leave or join any search's page.
        if catalog || !editions.isEmpty { searches.dropAll() }
        // A user's name entry maps to the id, and `user(named:)` checks the record's name, so
        // dropping the record is enough.
        if !users.isEmpty { self.users.drop(users) }
        if !editions.isEmpty { self.editions.drop(editions) }
        if !counts.isEmpty { profileCounts.drop(counts) }
        if !statuses.isEmpty { self.statuses.drop(statuses) }
        if !statusCounts.isEmpty { self.statusCounts.drop(statusCounts) }
        if !reacted.isEmpty {
            // A read begun before is refused, as after a drop.
            reactions.revise(reacted.keys, bytes: \.cacheBytes) { reader, entry in
                for status in reacted[reader] ?? [] { entry.forget(status) }
            }
        }
        // A new broadcaster joins the lists of everyone following them, and their homes.
        if broadcasters {
            epoch.add(1, ordering: .acquiringAndReleasing)
            broadcastersFollowed.dropAll()
            self.homes.dropAll()
        } else {
            // The readers whose follows may have changed who they merge in: their lists and
            // heads go. The others' follows were of no broadcaster, whose statuses the follow
            // copied in and entered (`HomeTimelineQueries.backfill`), or dropped the head with
            // `home` (a boost among them).
            let merging = kept.isEmpty ? following : following.filter { !kept.contains($0) }
            if !merging.isEmpty { broadcastersFollowed.drop(merging) }
            // Entered before the drops: a head the same write also drops goes either way.
            if !entered.isEmpty { self.homes.entered(entered) }
            if !homes.isEmpty || !merging.isEmpty { self.homes.drop(homes + merging) }
            if !posted.isEmpty { self.homes.posted(posted) }
        }
        if !shelves.isEmpty { self.shelves.drop(shelves) }
    }

    /// Empties every cache and keeps serving: a cold start, for tests that measure one.
    public func empty() {
        users.clear(trusted: users.isTrusted)
        userNames.clear(trusted: userNames.isTrusted)
        editions.clear(trusted: editions.isTrusted)
        editionISBNs.clear(trusted: editionISBNs.isTrusted)
        profileCounts.clear(trusted: profileCounts.isTrusted)
        statuses.clear(trusted: statuses.isTrusted)
        statusCounts.clear(trusted: statusCounts.isTrusted)
        reactions.clear(trusted: reactions.isTrusted)
        broadcastersFollowed.clear(trusted: broadcastersFollowed.isTrusted)
        homes.clear(trusted: homes.isTrusted)
        shelves.clear(trusted: shelves.isTrusted)
        searches.clear(trusted: searches.isTrusted)
    }

    /// Serves and keeps nothing from now on (until a lost listener listens again): for tests
    /// that compare the statements of requests which would otherwise warm each other's entries.
    /// The sessions cache is left as it is: those tests set its own TTL.
    public func disable() { clear(trusted: false, observers: false) }

    /// Whether the caches serve entries: always on SQLite, on PostgreSQL while the listener listens
    /// and its echo is recent.
    public var isServing: Bool { users.isTrusted && freshness?.isFresh != false }

    /// How many times the caches were emptied (the listener lost or back, `disable`): a read
    /// that ran statements while this moved was not the caches' fault either.
    public var timesCleared: Int { clears.load(ordering: .relaxed) }
    private let clears = Atomic<Int>(0)

    /// Empties every cache; with `trusted` false they serve nothing until `clear(trusted: true)`.
    func clear(trusted: Bool, observers tell: Bool = true) {
        clears.add(1, ordering: .relaxed)
        epoch.add(1, ordering: .acquiringAndReleasing)
        if tell {
            if !trusted { freshness?.forget() }
            hearing.store(trusted, ordering: .releasing)
            for observer in observers.withLock({ $0 }) { observer.cleared(trusted: trusted) }
        }
        users.clear(trusted: trusted)
        userNames.clear(trusted: trusted)
        editions.clear(trusted: trusted)
        editionISBNs.clear(trusted: trusted)
        profileCounts.clear(trusted: trusted)
        statuses.clear(trusted: trusted)
        statusCounts.clear(trusted: trusted)
        reactions.clear(trusted: trusted)
        broadcastersFollowed.clear(trusted: trusted)
        homes.clear(trusted: trusted)
        shelves.clear(trusted: trusted)
        searches.clear(trusted: trusted)
    }
}

/// A cache kept outside `Caches` whose entries derive from rows `CacheKey`s name: it drops what
/// it holds of each key it hears, and empties at each clear, serving nothing while not `trusted`.
public protocol CacheObserver: Sendable {
    func dropped(_ keys: Set<CacheKey>)
    func cleared(trusted: Bool)
}
