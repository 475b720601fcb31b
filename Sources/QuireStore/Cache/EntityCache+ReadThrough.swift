extension EntityCache {
    /// Many values by key, for a list: from `cache` where it holds them, the rest from `read`
    /// (one statement for all of them, whatever their number: lesson 5), which are then stored.
    /// `cache` is nil inside a write transaction (`readCaches`), and everything is read. A key
    /// `read` doesn't return is left out. With `always`, `read` runs even when every key is
    /// cached (given no keys then): for a statement that also reads what is never cached, as a
    /// status page's counts come with the viewer's own likes.
    ///
    /// Users, editions, statuses and status counts are read through it, so the rule that keeps a
    /// cache right (the generation taken before the read, see `store`) is written once.
    static func readThrough(_ cache: EntityCache?, _ keys: [Key], bytes: (Value) -> Int, always: Bool = false,
                            read: ([Key]) async throws -> [(Key, Value)]) async throws -> [Key: Value] {
        guard !keys.isEmpty else { return [:] }
        let (cached, missing) = cache?.values(keys) ?? ([:], keys)
        var found = cached
        guard !missing.isEmpty || always else { return found }
        let generation = cache?.generation ?? 0
        for (key, value) in try await read(Array(Set(missing))) {
            found[key] = value
            cache?.store(key, value, bytes: bytes(value), generation: generation)
        }
        return found
    }
}
