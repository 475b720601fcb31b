/// What a committed write changed, as the caches name it: every cache entry derives from rows
/// one of these keys covers, and a write that changes those rows records the key in its
/// transaction (`SQLDatabase.changed`).
public enum CacheKey: Hashable, Sendable {
    /// A `users` row: the account's name, summary, privacy default, follower approval, role.
    case user(Int64)
    /// An `editions` row, as an edition read shows it with its work's authors. Authors and a
    /// work's list of them are written only when created, so only an edition's own edit records
    /// this; a change to either would have to record it for each of the work's editions.
    case edition(Int64)
    /// The counts a user's profile shows (`ProfileCounts`): their `user_counts` row, their
    /// follower shards, and their default shelves' privacy. `Counters` records each delta, which
    /// this process adds to its entry at the commit (`TransactionChanges`); a counter repair and
    /// a shelf's edit or removal record the key, which drops it; other processes drop it either way.
    case profileCounts(Int64)
    /// A `statuses` row, as `StatusQueries.find(ids:)` reads it: recorded by an edit, a delete
    /// and an unboost (whose row goes, and whose id SQLite may give again).
    case status(Int64)
    /// A status's like, boost and reply counts (its `status_counts` shards): moved by the deltas
    /// `Counters` records, dropped by a counter repair, as `profileCounts` is.
    case statusCounts(Int64)
    /// A reader's like, unlike, boost or unboost of a status (their `likes` rows and boost
    /// statuses, as pages show which statuses the viewer liked and boosted, `ViewerReactions`):
    /// recorded by each of them (`LikeQueries`, their only writer). The reader's entry forgets
    /// that one status, whose flags the next page showing it reads again, and keeps the others:
    /// dropped whole at each of their own likes, the mixed load's entries were found at 94.4 to
    /// 95.0% of lookups, every miss a read after the reader's own like. Forgetting, not setting
    /// the flag, leaves nothing to the order in which two of a reader's reactions to one status
    /// reach the cache (in its own process, transactions on two connections may commit in one
    /// order and reach it in the other).
    case reacted(reader: Int64, status: Int64)
    /// The accounts a user follows (their `follows` rows as follower), as a home page reads the
    /// broadcasters among them: recorded by each follow and unfollow, and a block's end of a follow.
    /// It drops the reader's home head and their list of broadcasters followed, except that in
    /// the follow's own process a follow of someone read to be no broadcaster keeps the list
    /// (`Caches.committed`): the mixed load's follows, all of such accounts, kept its hit rate
    /// at 3 to 6%. Such a follow leaves the head to the keys of the statuses it copied in
    /// (`HomeTimelineQueries.backfill`).
    case following(Int64)
    /// A reader's home timeline entries (`home_entries`), as their first page shows them
    /// (`HomeHeads`): recorded for each reader a post or boost makes an entry for
    /// (`HomeTimelineQueries.fanOut`), and for both accounts of a block or an unblock, which
    /// hides each one's statuses and boosts from the other. A follow and an unfollow record
    /// `following`, which drops the head too.
    case home(Int64)
    /// A new status that is not a boost, entered in a reader's home (`home_entries`): its author's
    /// own and each follower's entry (`HomeTimelineQueries.fanOut`). Such an entry is always
    /// visible to its reader (a block ends the follows both ways, and a new status is not
    /// deleted), so the reader's head takes it in its place (`HomeHeads.entered`) instead of being
    /// dropped: a note dropped the heads of all its author's followers, which kept the mixed
    /// load's home heads at 40% hits. Entries that may be hidden (a direct status's mentions, a
    /// boost, whose original may be by someone the reader blocks) record `home`.
    case entered(reader: Int64, status: Int64, author: Int64)
    /// The key for a new entry of `status` by `author` in `reader`'s home: `entered` for a status
    /// that is no boost, which the reader may see, so their head takes it; `home` for a boost,
    /// whose original may be by someone the reader blocks (which only the page's statement checks),
    /// so their head goes. A new status's fan-out and a follow's copies both record it.
    static func homeEntry(reader: Int64, status: Int64, author: Int64, isBoost: Bool) -> CacheKey {
        isBoost ? .home(reader) : .entered(reader: reader, status: status, author: author)
    }

    /// An author's new statuses that made no home entries for their followers, who see them only
    /// by merging the author in (a broadcaster's posts and boosts, an import's statuses): it
    /// drops the heads that merged the author in.
    case posted(Int64)
    /// Who is a broadcaster (`broadcasters`): recorded when an account becomes one (never undone).
    /// It empties the cache of the broadcasters each reader follows.
    case broadcasters
    /// A shelf's owner and privacy and its newest shelvings, as its books page reads them
    /// (`ShelfBookQueries.head`): recorded by a shelving, an unshelving (a default shelf's book
    /// moving to another one included), an import's shelvings, and a shelf's edit and removal.
    case shelf(Int64)
    /// The editions search reads (their titles, subtitles and author names, `SearchQueries`):
    /// recorded by every insert of editions; an edit records `edition`, which counts as this too.
    /// It empties the searches cache, whose pages any new edition may join.
    case catalog
    /// A session, by its token's hash: recorded by signing out. No `Caches` cache holds
    /// sessions; the API's session cache hears of it through `Caches.observe`.
    case session(String)

    /// The form sent to other processes in a NOTIFY payload.
    var text: String {
        switch self {
        case .user(let id): "u\(id)"
        case .edition(let id): "e\(id)"
        case .profileCounts(let id): "c\(id)"
        case .status(let id): "s\(id)"
        case .statusCounts(let id): "n\(id)"
        case .reacted(let reader, let status): "r\(reader).\(status)"
        case .following(let id): "f\(id)"
        case .home(let id): "m\(id)"
        case .entered(let reader, let status, let author): "a\(reader).\(status).\(author)"
        case .posted(let id): "p\(id)"
        case .broadcasters: "b"
        case .shelf(let id): "h\(id)"
        case .session(let hash): "t\(hash)"
        case .catalog: "k"
        }
    }

    /// Reads `text`'s form back; nil for anything else (another version's key, say), which the
    /// listener answers by emptying its caches rather than guessing.
    init?(text: Substring) {
        guard let kind = text.first else { return nil }
        if text == "k" || text == "b" {
            self = text == "k" ? .catalog : .broadcasters
            return
        }
        // A token hash is hex: never a space, which separates a payload's keys.
        if kind == "t" {
            guard text.count > 1 else { return nil }
            self = .session(String(text.dropFirst()))
            return
        }
        if kind == "a" {
            guard let ids = Self.ids(text, count: 3) else { return nil }
            self = .entered(reader: ids[0], status: ids[1], author: ids[2])
            return
        }
        if kind == "r" {
            guard let ids = Self.ids(text, count: 2) else { return nil }
            self = .reacted(reader: ids[0], status: ids[1])
            return
        }
        guard let id = Int64(text.dropFirst()) else { return nil }
        switch kind {
        case "u": self = .user(id)
        case "e": self = .edition(id)
        case "c": self = .profileCounts(id)
        case "s": self = .status(id)
        case "n": self = .statusCounts(id)
        case "f": self = .following(id)
        case "m": self = .home(id)
        case "p": self = .posted(id)
        case "h": self = .shelf(id)
        default: return nil
        }
    }

    /// Exactly `count` ids after the kind's letter, separated by dots; nil for anything else.
    private static func ids(_ text: Substring, count: Int) -> [Int64]? {
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        let ids = parts.compactMap { Int64($0) }
        return parts.count == count && ids.count == count ? ids : nil
    }
}
