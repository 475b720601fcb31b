import SQLKit

/// What one reader has liked and boosted, as far as the pages they were shown have asked: the
/// statuses checked, and which of those they liked or boosted. The `reactions` cache holds it by
/// reader, and the reader's own like, unlike, boost and unboost (`LikeQueries`, the only writer
/// of either) make it forget the status at their commit (`CacheKey.reacted`), so what it says of
/// a checked status is never old.
///
/// A home page read the reader's likes and boosts of its statuses in its statement, two more
/// arms of 20 index probes each: about as much SQLite time as picking the page itself (on the
/// small seed, warm, 77 us against 40 without them). A reader reading their home again is
/// shown mostly the statuses they were shown before, whose flags this already holds.
struct ViewerReactions: Sendable {
    var checked: Set<Int64> = []
    var liked: Set<Int64> = []
    var boosted: Set<Int64> = []

    /// A reader's entry keeps at most this many statuses: past it, the entry starts again from
    /// the statuses just read (a bound on memory, at about 40 bytes a status).
    static let maximumChecked = 1_000

    var cacheBytes: Int { 128 + 40 * (checked.count + liked.count + boosted.count) }

    /// The entry after the reader reacted to `status` (`CacheKey.reacted`): it no longer knows
    /// that status's flags, and still knows the others'.
    mutating func forget(_ status: Int64) {
        guard checked.remove(status) != nil else { return }
        liked.remove(status)
        boosted.remove(status)
    }
}

/// A read's use of the `reactions` cache for one reader: what it holds, taken once, with the
/// generation to store what the read then reads from the database.
struct ReactionsLookup {
    private let cache: EntityCache<Int64, ViewerReactions>?
    private let viewer: Int64
    private let generation: UInt64
    /// The reader's entry when the read began; nil when there is none, or no cache to ask
    /// (nobody signed in, a write transaction, or caches not serving).
    let cached: ViewerReactions?

    /// Nobody signed in (0) has no reactions and no entry.
    init(viewer: Int64, on db: any SQLDatabase) {
        let cache = viewer == 0 ? nil : db.readCaches?.reactions
        (self.cache, self.viewer) = (cache, viewer)
        // Taken before the database read whose flags `remember` stores.
        generation = cache?.generation ?? 0
        cached = cache?.value(viewer)
    }

    /// The flags of `ids` the entry knows, and the ids it doesn't.
    func flags(_ ids: [Int64]) -> (known: ViewerFlags, unknown: [Int64]) {
        guard let cached else { return (ViewerFlags(), ids) }
        var known = ViewerFlags()
        var unknown: [Int64] = []
        for id in ids {
            guard cached.checked.contains(id) else {
                unknown.append(id)
                continue
            }
            if cached.liked.contains(id) { known.liked.insert(id) }
            if cached.boosted.contains(id) { known.boosted.insert(id) }
        }
        return (known, unknown)
    }

    /// Keeps what a statement read of `ids` (`flags` holds those liked and boosted) with what the
    /// entry held, unless the reader reacted since the lookup began (the cache refuses the store).
    func remember(_ flags: ViewerFlags, of ids: [Int64]) {
        guard let cache, !ids.isEmpty else { return }
        var entry = cached ?? ViewerReactions()
        if entry.checked.count + ids.count > ViewerReactions.maximumChecked { entry = ViewerReactions() }
        entry.checked.formUnion(ids)
        entry.liked.formUnion(flags.liked.intersection(ids))
        entry.boosted.formUnion(flags.boosted.intersection(ids))
        cache.store(viewer, entry, bytes: entry.cacheBytes, generation: generation)
    }
}
