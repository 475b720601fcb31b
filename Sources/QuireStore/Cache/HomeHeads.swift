import Synchronization

/// The first page of a reader's home timeline as last read: its statuses' ids, what each boosts
/// and who wrote it. The rows themselves come from the statuses cache when it is served.
struct HomeHead: Sendable {
    struct Entry: Sendable {
        let id: Int64
        let boostOfID: Int64?
        let authorID: Int64
    }

    /// The `limit` the page was read with, and its entries (fewer when the home had no more).
    let limit: Int
    let entries: [Entry]

    var cacheBytes: Int { 64 + 24 * entries.count }

    /// The page for `limit`, when this head holds it: the first `limit` entries of a longer
    /// page are the shorter page (each part of the statement takes the newest visible rows,
    /// and the page the newest of those), and a page shorter than its limit is all there is.
    func entries(limit wanted: Int) -> [StatusEntry]? {
        guard wanted <= limit || entries.count < limit else { return nil }
        return entries.prefix(wanted).map { StatusEntry(id: $0.id, boostOfID: $0.boostOfID) }
    }

    /// This head with `arrived` entered in their places by id (each a new status now in the
    /// reader's home), cut to `limit` when the head was a full page: a full head was the home's
    /// newest `limit` entries, so the newest `limit` of it and the new ones are the new page; a
    /// shorter one was the whole home. An entry with an id the head holds replaces it (SQLite
    /// may give an unboosted row's id again), so entering one twice changes nothing.
    func entering(_ arrived: [Entry]) -> HomeHead {
        let ids = Set(arrived.map(\.id))
        var merged = entries.filter { !ids.contains($0.id) } + arrived
        merged.sort { $0.id > $1.id }
        return HomeHead(limit: limit, entries: Array(merged.prefix(limit)))
    }

    /// Whether `rows`, read through the statuses cache for `entries(limit:)`, are still the
    /// statuses the head names and still alive (`StatusVisibility.isAlive`): a status deleted,
    /// or an unboosted boost's row gone (whose id SQLite may give again, so the author and what
    /// it boosts must match too), sends the page back to the database.
    func stillShows(_ rows: StatusRows, count: Int) -> Bool {
        guard rows.statuses.count == count else { return false }
        for (record, entry) in zip(rows.statuses, entries) {
            guard record.id == entry.id, record.userID == entry.authorID, record.boostOfID == entry.boostOfID,
                  StatusVisibility.isAlive(record, original: record.boostOfID.flatMap { rows.originals[$0] })
            else { return false }
        }
        return true
    }
}

/// Each reader's home head (`HomeHead`), by reader: a home page without a cursor, the one every
/// reader opens, is then read from memory, statements and all.
///
/// What can change a reader's first page, and what drops their head:
/// - an entry made in their home: a new status that is not a boost, by an account they follow
///   or by themselves, is entered in their head in its place (`CacheKey.entered`); for a boost
///   and a mention in a direct status, which may be hidden from them, `HomeTimelineQueries.fanOut`
///   records `CacheKey.home`, which drops the head;
/// - a follow or unfollow (entries backfilled or removed, a broadcaster merged in or out):
///   `CacheKey.following`, but for a follow of no broadcaster in its own process, whose copied
///   notes are entered and copied boosts record `home` (`HomeTimelineQueries.backfill`); a block
///   or unblock either way: `CacheKey.home` of both accounts;
/// - a post by a broadcaster they follow, which makes no entries: `CacheKey.posted` drops the
///   head of each reader whose head merged that broadcaster in (the index below), and refuses
///   the stores of reads that merged it and had not stored yet; an account becoming a
///   broadcaster empties every head;
/// - a status on the page deleted, or the status a boost on it boosts: the statuses cache drops
///   the record, and the head is checked against the records on every read (`stillShows`);
/// - privacy can't change after posting, and an edit changes a status's record, not the page.
final class HomeHeads: Sendable {
    private struct Index {
        /// Bumped by each `posted`; a store carries the value from before its read.
        var generation: UInt64 = 0
        /// The generation of each author's last post heard that made no entries, and the
        /// generation before which a store is refused whatever it merged (`lastPosted` started
        /// again: a bound on memory).
        var lastPosted: [Int64: UInt64] = [:]
        var forgottenBefore: UInt64 = 0
        /// The readers whose stored head merged each broadcaster in, and how many there are.
        var readers: [Int64: Set<Int64>] = [:]
        var registrations = 0
    }

    let heads: EntityCache<Int64, HomeHead>
    private let index = Mutex(Index())
    /// Past this many (reader, broadcaster) pairs the index starts again and every head goes:
    /// a bound on memory (about 50 bytes a pair).
    private let maximumRegistrations: Int

    init(limits: CacheLimits, trusted: Bool, freshness: CacheFreshness?) {
        heads = EntityCache(name: "home_heads", limits: limits, trusted: trusted, freshness: freshness)
        maximumRegistrations = max(4 * limits.entries, 4_096)
    }

    /// What a read takes before it reads, for `store`.
    struct Ticket {
        fileprivate let heads: UInt64
        fileprivate let posts: UInt64
    }

    var ticket: Ticket { Ticket(heads: heads.generation, posts: index.withLock { $0.generation }) }

    /// The reader's first page of `limit` statuses, when their head holds it and its statuses,
    /// read through the statuses cache by `read`, are still shown (`HomeHead.stillShows`);
    /// counted a hit only then.
    func page(_ reader: Int64, limit: Int, read: ([StatusEntry]) async throws -> StatusRows) async throws -> StatusRows? {
        guard let head = heads.value(reader, counting: false), let entries = head.entries(limit: limit) else {
            heads.tally(hit: false)
            return nil
        }
        let rows = try await read(entries)
        let served = head.stillShows(rows, count: entries.count)
        heads.tally(hit: served)
        return served ? rows : nil
    }

    /// Keeps `head`, read after `ticket` was taken, merging the broadcasters `broadcasters`,
    /// unless the reader's head was dropped since or one of those broadcasters has posted since.
    func store(_ reader: Int64, _ head: HomeHead, broadcasters: [Int64], ticket: Ticket) {
        index.withLock { index in
            guard ticket.posts >= index.forgottenBefore,
                  broadcasters.allSatisfy({ (index.lastPosted[$0] ?? 0) <= ticket.posts }) else { return }
            if index.registrations + broadcasters.count > maximumRegistrations { Self.restart(&index, heads: heads) }
            for broadcaster in broadcasters where index.readers[broadcaster, default: []].insert(reader).inserted {
                index.registrations += 1
            }
            // Inside the index's lock, so that a post heard now waits for the head to be
            // registered (and drops it) or comes first (and the check above refuses it).
            heads.store(reader, head, bytes: head.cacheBytes, generation: ticket.heads)
        }
    }

    func drop(_ readers: some Collection<Int64>) { heads.drop(readers) }

    /// New statuses entered in readers' homes, each visible to its reader (`CacheKey.entered`):
    /// each reader's head takes them in their places, and reads begun before are refused, as
    /// after a drop (they may have read the home before the entries committed).
    func entered(_ arrivals: [Int64: [HomeHead.Entry]]) {
        heads.revise(arrivals.keys, bytes: \.cacheBytes) { reader, head in
            if let arrived = arrivals[reader] { head = head.entering(arrived) }
        }
    }

    /// `authors` posted without making entries (a broadcaster's post, an import): the heads that
    /// merged them in go, and reads that merged them and haven't stored are refused.
    func posted(_ authors: some Collection<Int64>) {
        index.withLock { index in
            index.generation &+= 1
            // Past this many authors remembered, the record starts again and every read begun
            // before now is refused instead; the heads stored stay (the index drops them).
            if index.lastPosted.count + authors.count > 4_096 {
                index.lastPosted.removeAll()
                index.forgottenBefore = index.generation
            }
            var readers: [Int64] = []
            for author in authors {
                index.lastPosted[author] = index.generation
                if let following = index.readers.removeValue(forKey: author) {
                    index.registrations -= following.count
                    readers.append(contentsOf: following)
                }
            }
            if !readers.isEmpty { heads.drop(readers) }
        }
    }

    /// Every head goes (an account became a broadcaster: its statuses join its followers' pages).
    func dropAll() { index.withLock { Self.restart(&$0, heads: heads) } }

    func clear(trusted: Bool) {
        index.withLock { index in
            Self.forget(&index)
            heads.clear(trusted: trusted)
        }
    }

    /// Empties the heads and the index, and refuses the stores of every read begun before.
    private static func restart(_ index: inout Index, heads: EntityCache<Int64, HomeHead>) {
        forget(&index)
        heads.dropAll()
    }

    private static func forget(_ index: inout Index) {
        index.generation &+= 1
        index.forgottenBefore = index.generation
        index.lastPosted.removeAll()
        index.readers.removeAll()
        index.registrations = 0
    }

    var isTrusted: Bool { heads.isTrusted }
}
