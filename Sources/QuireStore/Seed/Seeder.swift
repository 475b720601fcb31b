import QuireCore
import SQLKit

/// How much `quire seed` makes.
public struct SeedPlan: Sendable {
    public var users = 0, authors = 0, works = 0, editions = 0, shelvings = 0
    /// The social layer (Seeder+Social): statuses spread over the users (with the celebrity and
    /// `tenfollowers` accounts posting a share), boosts and likes; each user follows
    /// `followsPerUser` others; the `celebrity` account gets `celebrityFollowers` followers (the
    /// users, then follower-only accounts made up to that number); `deepreader` follows the first
    /// `deepFollows` users, for a deep home timeline.
    public var statuses = 0, boosts = 0, likes = 0, followsPerUser = 0, celebrityFollowers = 0, deepFollows = 0
    /// The fan-out limit the seeded home timelines follow (QUIRE_FANOUT_LIMIT).
    public var fanoutLimit = TimelineRules.defaultFanoutLimit
    public var seed: UInt64 = 1
    public init() {}
}

/// Fills a database deterministically at scale for benchmarks: users with their default shelves,
/// authors, works, editions and shelvings, with every counter row exact (as `quire counters
/// check` confirms). Rows go in with multi-row INSERTs, many per transaction. Memory stays flat
/// in the row counts: a few integers per user and per work, never a whole table of rows; names
/// and titles are made again from their number when needed instead of being kept.
public struct Seeder: Sendable {
    let database: Database
    let plan: SeedPlan
    /// Rows per write transaction: large enough that commits are not the cost, small enough that
    /// SQLite readers and the WAL are not held up for long.
    let rowsPerTransaction = 50_000

    public init(database: Database, plan: SeedPlan) {
        self.database = database
        self.plan = plan
    }

    /// Password of every seeded user, for benchmarks that sign in: "password123" (bcrypt, cost 10).
    static let passwordHash = "$2b$10$OPKwnWWskNPemeVP7UuNH.FAEVFCDs1P7b4fmnxaKgz9JCB.vpV.W"

    public typealias Progress = @Sendable (_ table: String, _ done: Int, _ total: Int) -> Void

    /// Returns the number of rows written.
    public func run(progress: Progress = { _, _, _ in }) async throws -> Int {
        let base = try await database.read { db in
            var ids: [String: Int64] = [:]
            for table in ["users", "shelves", "authors", "works", "editions", "shelf_books", "statuses"] {
                ids[table] = try await db.raw("SELECT coalesce(max(id), 0) AS m FROM \(unsafeRaw: table)").first()?.decode(column: "m", as: Int64.self) ?? 0
            }
            return ids
        }
        var rows = 0
        rows += try await seedUsers(base: base, progress: progress)
        rows += try await seedAuthors(base: base["authors"]!, progress: progress)
        let workAuthors = try await seedWorks(base: base, progress: progress, rows: &rows)
        let editionWorks = try await seedEditions(base: base, workAuthors: workAuthors, progress: progress, rows: &rows)
        rows += try await seedShelvings(base: base, editionWorks: editionWorks, progress: progress)
        rows += try await seedSocial(base: base, editionWorks: editionWorks, progress: progress)
        if database.engine == .postgres {
            try await write { db in
                for table in ["users", "shelves", "authors", "works", "editions", "shelf_books", "statuses"] {
                    // Explicit ids don't move PostgreSQL's identity sequences; later inserts must not collide.
                    try await db.raw("""
                        SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), (SELECT coalesce(max(id), 1) FROM \(unsafeRaw: table)))
                        """).run()
                }
                try await db.raw("ANALYZE").run()
            }
        } else {
            // A sampled ANALYZE: statistics good enough for the planner in a fraction of the time.
            try await write { db in
                try await db.raw("PRAGMA analysis_limit = 1000").run()
                try await db.raw("ANALYZE").run()
            }
        }
        return rows
    }

    /// A write transaction of the seed. On PostgreSQL its commit does not wait for the WAL flush
    /// (`synchronous_commit = off` for this transaction only): a seed cut short by a crash is
    /// seeded again, and the bulk load is not held up by a thousand flushes.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.write { db in
            if db.isPostgres { try await db.raw("SET LOCAL synchronous_commit = off").run() }
            return try await body(db)
        }
    }

    /// Runs `body` for each of `count` items in write transactions of about `rowsPerTransaction` rows.
    func inBatches(_ count: Int, rowsPerItem: Int, _ body: @escaping @Sendable (Range<Int>, any SQLDatabase) async throws -> Void,
                   progress: (Int) -> Void) async throws {
        let step = max(1, rowsPerTransaction / max(1, rowsPerItem))
        var start = 0
        while start < count {
            let range = start..<min(count, start + step)
            try await write { try await body(range, $0) }
            start = range.upperBound
            progress(start)
        }
    }

    private func seedUsers(base: [String: Int64], progress: Progress) async throws -> Int {
        let (userBase, shelfBase) = (base["users"]!, base["shelves"]!)
        let now = Timestamp.microsecondsNow()
        try await inBatches(plan.users, rowsPerItem: 5, { range, db in
            var users = BulkInsert("users", ["id", "username", "username_key", "email", "password_hash", "created_at"])
            var shelves = BulkInsert("shelves", ["id", "user_id", "identifier", "name", "privacy", "is_default", "created_at"])
            // Parents before children: foreign keys are checked statement by statement.
            for index in range {
                let id = userBase + Int64(index) + 1
                try await users.add([id, "reader\(id)", "reader\(id)", "reader\(id)@example.org", Self.passwordHash, now], on: db)
            }
            try await users.flush(on: db)
            for index in range {
                let id = userBase + Int64(index) + 1
                for (offset, shelf) in DefaultShelf.allCases.enumerated() {
                    try await shelves.add([shelfBase + Int64(index) * 4 + Int64(offset) + 1, id, shelf.rawValue, shelf.name, "public", true, now], on: db)
                }
            }
            try await users.flush(on: db)
            try await shelves.flush(on: db)
        }, progress: { progress("users", $0, plan.users) })
        return plan.users * 5
    }

    private func seedAuthors(base: Int64, progress: Progress) async throws -> Int {
        let (seed, now) = (plan.seed, Timestamp.microsecondsNow())
        try await inBatches(plan.authors, rowsPerItem: 1, { range, db in
            var authors = BulkInsert("authors", ["id", "name", "name_key", "created_at"])
            for index in range {
                let name = Self.authorName(seed, index)
                try await authors.add([base + Int64(index) + 1, name, name.lowercased(), now], on: db)
            }
            try await authors.flush(on: db)
        }, progress: { progress("authors", $0, plan.authors) })
        return plan.authors
    }

    static func authorName(_ seed: UInt64, _ index: Int) -> String {
        var random = SeedRandom.forItem(seed, 1, index)
        return SeedText.name(&random)
    }

    static func workTitle(_ seed: UInt64, _ index: Int) -> String {
        var random = SeedRandom.forItem(seed, 2, index)
        return SeedText.title(&random)
    }

    /// Each work's one or two authors, as author indexes (-1 for none); kept for the editions' author names.
    private func seedWorks(base: [String: Int64], progress: Progress, rows: inout Int) async throws -> [(Int32, Int32)] {
        guard plan.authors > 0 || plan.works == 0 else { throw DatabaseError.badConfiguration("--works needs --authors") }
        var random = SeedRandom(seed: plan.seed &+ 3)
        let workAuthors: [(Int32, Int32)] = (0..<plan.works).map { _ in
            let first = Int32(random.next() % UInt64(max(1, plan.authors)))
            let second: Int32 = random.next() % 5 == 0 ? Int32(random.next() % UInt64(max(1, plan.authors))) : -1
            return (first, second == first ? -1 : second)
        }
        let (workBase, authorBase, seed, now) = (base["works"]!, base["authors"]!, plan.seed, Timestamp.microsecondsNow())
        try await inBatches(plan.works, rowsPerItem: 2, { range, db in
            var works = BulkInsert("works", ["id", "title", "created_at"])
            var links = BulkInsert("work_authors", ["work_id", "author_id", "position"])
            for index in range {
                let id = workBase + Int64(index) + 1
                try await works.add([id, Self.workTitle(seed, index), now], on: db)
            }
            try await works.flush(on: db)
            for index in range {
                let id = workBase + Int64(index) + 1
                let (first, second) = workAuthors[index]
                try await links.add([id, authorBase + Int64(first) + 1, 0], on: db)
                if second >= 0 { try await links.add([id, authorBase + Int64(second) + 1, 1], on: db) }
            }
            try await works.flush(on: db)
            try await links.flush(on: db)
        }, progress: { progress("works", $0, plan.works) })
        rows += plan.works + workAuthors.reduce(0) { $0 + ($1.1 >= 0 ? 2 : 1) }
        return workAuthors
    }

    /// Each edition's work index.
    private func seedEditions(base: [String: Int64], workAuthors: [(Int32, Int32)], progress: Progress, rows: inout Int) async throws -> [Int32] {
        guard plan.works > 0 || plan.editions == 0 else { throw DatabaseError.badConfiguration("--editions needs --works") }
        var random = SeedRandom(seed: plan.seed &+ 4)
        // The first editions give every work one; the rest go to random works.
        let editionWorks: [Int32] = (0..<plan.editions).map { $0 < plan.works ? Int32($0) : Int32(random.next() % UInt64(plan.works)) }
        let (editionBase, workBase) = (base["editions"]!, base["works"]!)
        let formats = ["hardcover", "paperback", "ebook", "audiobook"]
        let deferIndex = database.engine == .sqlite
        if deferIndex { try await write { try await $0.raw("DROP TRIGGER IF EXISTS editions_fts_insert").run() } }
        do {
            try await insertEditions(editionWorks, workAuthors: workAuthors, base: editionBase, workBase: workBase, formats: formats, progress: progress)
        } catch {
            if deferIndex { try? await write { try await $0.raw(SQLQueryString(CatalogSearchIndex.sqliteInsertTrigger)).run() } }
            throw error
        }
        if deferIndex {
            try await write { db in
                try await db.raw(CatalogSearchIndex.sqliteIndex(after: editionBase)).run()
                try await db.raw(SQLQueryString(CatalogSearchIndex.sqliteInsertTrigger)).run()
            }
        }
        // The index as the nightly search.merge leaves it, not as one bulk load leaves it: what a
        // running instance's searches read, and what the benchmarks should measure.
        while try await database.bulkWrite({ try await SearchIndexQueries.mergeStep(on: $0) }) {}
        rows += plan.editions
        return editionWorks
    }

    private func insertEditions(
        _ editionWorks: [Int32], workAuthors: [(Int32, Int32)], base editionBase: Int64, workBase: Int64, formats: [String], progress: Progress
    ) async throws {
        let seed = plan.seed
        let now = Timestamp.microsecondsNow()
        try await inBatches(plan.editions, rowsPerItem: 1, { range, db in
            var editions = BulkInsert("editions", ["id", "work_id", "title", "languages", "pages", "published_date", "physical_format",
                                                   "isbn_13", "author_names", "match_key", "created_at", "updated_at"])
            for index in range {
                let id = editionBase + Int64(index) + 1
                let work = Int(editionWorks[index])
                let (first, second) = workAuthors[work]
                let firstName = Self.authorName(seed, Int(first))
                var names = firstName
                if second >= 0 { names += " " + Self.authorName(seed, Int(second)) }
                let title = Self.workTitle(seed, work)
                var item = SeedRandom.forItem(seed, 5, index)
                try await editions.add([
                    id, workBase + Int64(work) + 1, title, "[\"en\"]", Int(80 + item.next() % 800),
                    String(1900 + Int(item.next() % 126)), formats[Int(item.next() % 4)], SeedText.isbn13(Int(id)), names,
                    CatalogMatchKey.make(title: title, firstAuthor: firstName), now, now,
                ], on: db)
            }
            try await editions.flush(on: db)
        }, progress: { progress("editions", $0, plan.editions) })
    }
}
