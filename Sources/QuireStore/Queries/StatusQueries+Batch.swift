import SQLKit

extension StatusQueries {
    /// Statuses by id as stored, whoever may see them: for a page whose statement has already
    /// picked the ids the viewer may see (the home timeline). Outside a write transaction from
    /// the process's cache where it holds them, the rest in one statement through the primary
    /// key, whatever their number (lesson 5), and then cached. A missing id is left out.
    ///
    /// A home page read and decoded its 20 statuses' 19 columns (and its boosts' originals, in a
    /// second statement) on every request; a status is read by every follower of its author
    /// and changes only when edited, deleted or unboosted (`CacheKey.status`).
    public static func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: StatusRecord] {
        try await EntityCache.readThrough(db.readCaches?.statuses, ids, bytes: \.cacheBytes) { missing in
            try await db.raw("""
                SELECT \(unsafeRaw: StatusRecord.columns.joined(separator: ", ")) FROM statuses WHERE id IN (\(binds: missing))
                """).all().map { row in
                let status = try StatusRecord(row: row)
                return (status.id, status)
            }
        }
    }
}

extension StatusRecord {
    /// What a cached status costs, roughly: the record and its texts.
    var cacheBytes: Int {
        let texts = [title, quote, position, contentWarning]
        return 224 + body.utf8.count + kind.utf8.count + privacy.utf8.count + texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }
}
