import QuireCore
import SQLKit

/// A counter whose stored value differs from a recount.
public struct CounterDrift: Sendable, Equatable, CustomStringConvertible {
    public let counter: String
    public let key: [Int64]
    public let stored: Int64
    public let actual: Int64

    public var description: String {
        "\(counter) \(key.map(String.init).joined(separator: "/")): stored \(stored), actual \(actual)"
    }
}

/// `quire counters check|repair`: recounts every counter row from the rows it counts, in keyset
/// batches of the owning table (lesson 2: flat memory whatever the size), and reports or fixes
/// drift. Repair writes absolute values only here; every other path moves counters by deltas.
/// Each batch is first recounted in a read snapshot, which holds no lock: a repair on a healthy
/// database never takes the writer, so it does not hold up the application's writes (on SQLite,
/// a batch in a write transaction kept every enqueue and shelving waiting for it). A batch that
/// drifted is recounted again and fixed in a write transaction that first locks the batch's
/// counter rows (PostgreSQL), so a concurrent shelving either finished before the recount, and
/// is in it, or applies its delta after the repair, on top of a recount that did not include it.
public struct CounterAudit: Sendable {
    let database: Database
    let batchSize: Int

    public init(database: Database, batchSize: Int = 1000) {
        self.database = database
        self.batchSize = batchSize
    }

    /// Recounts everything; with `repair`, fixes what drifted. Returns the drift found.
    /// `progress` hears each finished batch (family, rows checked so far); it may throw to stop
    /// between batches, as a cancelled job does.
    public func run(repair: Bool, progress: @Sendable (String, Int) async throws -> Void = { _, _ in }) async throws -> [CounterDrift] {
        var drift: [CounterDrift] = []
        for family in CounterFamily.all {
            var after: Int64 = 0
            var checked = 0
            while true {
                let start = after
                let (seen, last, count) = try await database.snapshot { db in try await Self.recount(family, after: start, limit: batchSize, on: db) }
                var batchDrift = seen
                if !seen.isEmpty, let last {
                    // Again under the write lock: what the snapshot saw may have been fixed or moved since.
                    batchDrift = try await database.write { db in
                        let (found, _, _) = try await Self.recount(family, after: start, through: last, limit: batchSize, lock: true, on: db)
                        if repair {
                            for item in found {
                                try await family.repair(item, db)
                                if let key = family.cacheKey(item.key) { db.changed(key) }
                            }
                        }
                        return found
                    }
                }
                drift += batchDrift
                checked += count
                try await progress(family.name, checked)
                guard let last else { break }
                after = last
            }
        }
        return drift
    }

    /// Recounts the family's counters for the next `limit` owners after `after` (up to `through`):
    /// the drift, the last owner id, and how many owners were looked at.
    static func recount(
        _ family: CounterFamily, after: Int64, through: Int64 = .max, limit: Int, lock: Bool = false, on db: any SQLDatabase
    ) async throws -> ([CounterDrift], Int64?, Int) {
        let keys = try await db.raw("""
            SELECT id FROM \(unsafeRaw: family.ownerTable) WHERE id > \(bind: after) AND id <= \(bind: through) ORDER BY id LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        guard let last = keys.last else { return ([], nil, 0) }
        if lock, db.isPostgres { try await family.lock(keys, db) }
        let stored = try await family.stored(keys, db)
        let actual = try await family.actual(keys, db)
        let found = Set(stored.keys).union(actual.keys).sorted { $0.lexicographicallyPrecedes($1) }.compactMap { key -> CounterDrift? in
            let (s, a) = (stored[key] ?? 0, actual[key] ?? 0)
            return s == a ? nil : CounterDrift(counter: family.name, key: key, stored: s, actual: a)
        }
        return (found, last, keys.count)
    }
}

/// One kind of counter: how to read, recount, lock and repair it for a batch of owner ids.
struct CounterFamily: Sendable {
    let name: String
    let ownerTable: String
    let lock: @Sendable ([Int64], any SQLDatabase) async throws -> Void
    let stored: @Sendable ([Int64], any SQLDatabase) async throws -> [[Int64]: Int64]
    let actual: @Sendable ([Int64], any SQLDatabase) async throws -> [[Int64]: Int64]
    let repair: @Sendable (CounterDrift, any SQLDatabase) async throws -> Void

    /// The cache entry a repaired row's counts are shown from: its owner's key is the counter
    /// row's first column.
    func cacheKey(_ key: [Int64]) -> CacheKey? {
        guard let owner = key.first else { return nil }
        switch ownerTable {
        case "users": return .profileCounts(owner)
        case "statuses": return .statusCounts(owner)
        default: return nil
        }
    }

    static let all = [shelfBooks] + DefaultShelf.allCases.map(userBooks) + [userWorkShelvings, workShelvedUsers] + social

    static func rows(_ db: any SQLDatabase, _ query: SQLQueryString, keys: [String]) async throws -> [[Int64]: Int64] {
        var result: [[Int64]: Int64] = [:]
        for row in try await db.raw(query).all() {
            result[try keys.map { try row.decode(column: $0, as: Int64.self) }] = try row.decode(column: "n", as: Int64.self)
        }
        return result
    }

    static let shelfBooks = CounterFamily(
        name: "shelf_counts.books", ownerTable: "shelves",
        lock: { keys, db in try await db.raw("SELECT shelf_id FROM shelf_counts WHERE shelf_id IN (\(binds: keys)) ORDER BY shelf_id FOR UPDATE").run() },
        stored: { keys, db in try await rows(db, "SELECT shelf_id, books AS n FROM shelf_counts WHERE shelf_id IN (\(binds: keys)) AND books <> 0", keys: ["shelf_id"]) },
        actual: { keys, db in try await rows(db, "SELECT shelf_id, count(*) AS n FROM shelf_books WHERE shelf_id IN (\(binds: keys)) GROUP BY shelf_id", keys: ["shelf_id"]) },
        repair: { drift, db in
            try await db.raw("""
                INSERT INTO shelf_counts (shelf_id, books) VALUES (\(bind: drift.key[0]), \(bind: drift.actual))
                ON CONFLICT (shelf_id) DO UPDATE SET books = excluded.books
                """).run()
        })

    static func userBooks(_ shelf: DefaultShelf) -> CounterFamily {
        let column = Counters.userColumn(shelf)
        return CounterFamily(
            name: "user_counts.\(column)", ownerTable: "users",
            lock: { keys, db in try await db.raw("SELECT user_id FROM user_counts WHERE user_id IN (\(binds: keys)) ORDER BY user_id FOR UPDATE").run() },
            stored: { keys, db in
                try await rows(db, "SELECT user_id, \(unsafeRaw: column) AS n FROM user_counts WHERE user_id IN (\(binds: keys)) AND \(unsafeRaw: column) <> 0", keys: ["user_id"])
            },
            actual: { keys, db in
                try await rows(db, """
                    SELECT s.user_id, count(*) AS n FROM shelves s JOIN shelf_books sb ON sb.shelf_id = s.id
                    WHERE s.user_id IN (\(binds: keys)) AND s.identifier = \(bind: shelf.rawValue) AND s.is_default = \(bind: true)
                    GROUP BY s.user_id
                    """, keys: ["user_id"])
            },
            repair: { drift, db in
                try await db.raw("""
                    INSERT INTO user_counts (user_id, \(unsafeRaw: column)) VALUES (\(bind: drift.key[0]), \(bind: drift.actual))
                    ON CONFLICT (user_id) DO UPDATE SET \(unsafeRaw: column) = excluded.\(unsafeRaw: column)
                    """).run()
            })
    }

    static let userWorkShelvings = CounterFamily(
        name: "user_work_shelvings.n", ownerTable: "users",
        lock: { keys, db in try await db.raw("SELECT user_id FROM user_counts WHERE user_id IN (\(binds: keys)) ORDER BY user_id FOR UPDATE").run() },
        stored: { keys, db in try await rows(db, "SELECT user_id, work_id, n FROM user_work_shelvings WHERE user_id IN (\(binds: keys))", keys: ["user_id", "work_id"]) },
        actual: { keys, db in
            try await rows(db, "SELECT user_id, work_id, count(*) AS n FROM shelf_books WHERE user_id IN (\(binds: keys)) GROUP BY user_id, work_id", keys: ["user_id", "work_id"])
        },
        repair: { drift, db in
            if drift.actual == 0 {
                try await db.raw("DELETE FROM user_work_shelvings WHERE user_id = \(bind: drift.key[0]) AND work_id = \(bind: drift.key[1])").run()
            } else {
                try await db.raw("""
                    INSERT INTO user_work_shelvings (user_id, work_id, n) VALUES (\(bind: drift.key[0]), \(bind: drift.key[1]), \(bind: drift.actual))
                    ON CONFLICT (user_id, work_id) DO UPDATE SET n = excluded.n
                    """).run()
            }
        })

    static let workShelvedUsers = CounterFamily(
        name: "work_counts.shelved_users", ownerTable: "works",
        lock: { keys, db in try await db.raw("SELECT work_id FROM work_counts WHERE work_id IN (\(binds: keys)) ORDER BY work_id FOR UPDATE").run() },
        stored: { keys, db in
            try await rows(db, "SELECT work_id, shelved_users AS n FROM work_counts WHERE work_id IN (\(binds: keys)) AND shelved_users <> 0", keys: ["work_id"])
        },
        actual: { keys, db in
            try await rows(db, "SELECT work_id, count(DISTINCT user_id) AS n FROM shelf_books WHERE work_id IN (\(binds: keys)) GROUP BY work_id", keys: ["work_id"])
        },
        repair: { drift, db in
            try await db.raw("""
                INSERT INTO work_counts (work_id, shelved_users) VALUES (\(bind: drift.key[0]), \(bind: drift.actual))
                ON CONFLICT (work_id) DO UPDATE SET shelved_users = excluded.shelved_users
                """).run()
        })
}
