import QuireCore
import QuireStore
import SQLKit

/// The catalog jobs' answers worked out the slow, obvious way from every row of a small database:
/// what `catalog.stats` and `catalog.similar` must equal.
struct CatalogRecount {
    struct Shelving { let user: Int64, work: Int64, shelf: String, isDefault: Bool, privacy: String }
    struct Review { let id: Int64, user: Int64, work: Int64, rating: Int?, privacy: String, deleted: Bool, kind: String }

    var works: [Int64] = []
    var authors: [Int64] = []
    var workAuthors: [(work: Int64, author: Int64)] = []
    var editionWorks: [Int64] = []
    var shelvings: [Shelving] = []
    var reviews: [Review] = []

    static func load(_ database: Database) async throws -> CatalogRecount {
        try await database.read { db in
            var recount = CatalogRecount()
            recount.works = try await db.raw("SELECT id FROM works ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
            recount.authors = try await db.raw("SELECT id FROM authors ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
            recount.workAuthors = try await db.raw("SELECT work_id, author_id FROM work_authors").all().map {
                (try $0.decode(column: "work_id", as: Int64.self), try $0.decode(column: "author_id", as: Int64.self))
            }
            recount.editionWorks = try await db.raw("SELECT work_id FROM editions").all().map { try $0.decode(column: "work_id", as: Int64.self) }
            recount.shelvings = try await db.raw("""
                SELECT sb.user_id, sb.work_id, s.identifier, CASE WHEN s.is_default THEN 1 ELSE 0 END AS d, s.privacy
                FROM shelf_books sb JOIN shelves s ON s.id = sb.shelf_id
                """).all().map {
                Shelving(user: try $0.decode(column: "user_id", as: Int64.self), work: try $0.decode(column: "work_id", as: Int64.self),
                         shelf: try $0.decode(column: "identifier", as: String.self), isDefault: try $0.decode(column: "d", as: Int.self) == 1,
                         privacy: try $0.decode(column: "privacy", as: String.self))
            }
            recount.reviews = try await db.raw("""
                SELECT id, user_id, work_id, rating, privacy, deleted_at, kind FROM statuses WHERE work_id IS NOT NULL
                """).all().map {
                Review(id: try $0.decode(column: "id", as: Int64.self), user: try $0.decode(column: "user_id", as: Int64.self),
                       work: try $0.decode(column: "work_id", as: Int64.self), rating: try $0.decode(column: "rating", as: Int?.self),
                       privacy: try $0.decode(column: "privacy", as: String.self),
                       deleted: try $0.decode(column: "deleted_at", as: Int64?.self) != nil, kind: try $0.decode(column: "kind", as: String.self))
            }
            return recount
        }
    }

    /// Public readers of each work.
    var readers: [Int64: Set<Int64>] {
        Dictionary(grouping: shelvings.filter { $0.privacy == "public" }, by: \.work).mapValues { Set($0.map(\.user)) }
    }

    func workStats(_ work: Int64) -> WorkStatsRecord {
        var stats = WorkStatsRecord(workID: work)
        let open = shelvings.filter { $0.work == work && $0.privacy == "public" }
        stats.readers = Int64(Set(open.map(\.user)).count)
        stats.shelved = DefaultShelf.allCases.map { shelf in
            Int64(Set(open.filter { $0.isDefault && $0.shelf == shelf.rawValue }.map(\.user)).count)
        }
        let rated = reviews.filter {
            $0.work == work && $0.kind == "review" && $0.rating != nil && !$0.deleted && ["public", "unlisted"].contains($0.privacy)
        }
        for (_, mine) in Dictionary(grouping: rated, by: \.user) {
            if let latest = mine.max(by: { $0.id < $1.id }), let rating = latest.rating { stats.histogram[rating - 1] += 1 }
        }
        return stats
    }

    func authorStats(_ author: Int64) -> AuthorStatsRecord {
        var stats = AuthorStatsRecord(authorID: author)
        let works = Set(workAuthors.filter { $0.author == author }.map(\.work))
        stats.works = Int64(works.count)
        stats.editions = Int64(editionWorks.filter { works.contains($0) }.count)
        stats.readers = Int64(Set(shelvings.filter { works.contains($0.work) && $0.privacy == "public" }.map(\.user)).count)
        for work in works {
            let counted = workStats(work)
            stats.ratingsCount += counted.ratingsCount
            stats.ratingSum += counted.ratingSum
        }
        return stats
    }

    /// Each work's ten works with the most shared public readers, ties by the lower id.
    func similar() -> [SimilarWorksQueries.Entry] {
        let readers = self.readers
        var entries: [SimilarWorksQueries.Entry] = []
        for work in works {
            let mine = readers[work] ?? []
            let shared = works.filter { $0 != work }.map { ($0, (readers[$0] ?? []).intersection(mine).count) }.filter { $0.1 > 0 }
            let best = shared.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(10)
            for (rank, (other, count)) in best.enumerated() {
                entries.append(.init(workID: work, rank: rank + 1, similarWorkID: other, sharedReaders: Int64(count)))
            }
        }
        return entries
    }

    /// What the jobs wrote, in the same shapes, their times left out.
    static func stored(_ database: Database) async throws -> (works: [WorkStatsRecord], authors: [AuthorStatsRecord], similar: [SimilarWorksQueries.Entry]) {
        try await database.read { db in
            var works: [WorkStatsRecord] = []
            for id in try await db.raw("SELECT work_id FROM work_stats ORDER BY work_id").all().map({ try $0.decode(column: "work_id", as: Int64.self) }) {
                if var stats = try await CatalogStatsQueries.work(id, on: db) { stats.computedAt = 0; works.append(stats) }
            }
            var authors: [AuthorStatsRecord] = []
            for id in try await db.raw("SELECT author_id FROM author_stats ORDER BY author_id").all().map({ try $0.decode(column: "author_id", as: Int64.self) }) {
                if var stats = try await CatalogStatsQueries.author(id, on: db) { stats.computedAt = 0; authors.append(stats) }
            }
            let similar = try await db.raw("SELECT work_id, rank, similar_work_id, shared_readers FROM work_similar ORDER BY work_id, rank").all().map {
                SimilarWorksQueries.Entry(
                    workID: try $0.decode(column: "work_id", as: Int64.self), rank: try $0.decode(column: "rank", as: Int.self),
                    similarWorkID: try $0.decode(column: "similar_work_id", as: Int64.self),
                    sharedReaders: try $0.decode(column: "shared_readers", as: Int64.self))
            }
            return (works, authors, similar)
        }
    }

    /// A small seeded database with some shelves made private or followers-only, some reviews
    /// deleted, and readers who rated a work more than once, so every rule has a case.
    static func seed(_ database: Database) async throws {
        var plan = SeedPlan()
        (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings, plan.statuses) = (30, 8, 20, 40, 240, 400)
        plan.followsPerUser = 2
        _ = try await Seeder(database: database, plan: plan).run()
        try await database.write { db in
            try await db.raw("UPDATE shelves SET privacy = 'private' WHERE id % 5 = 0").run()
            try await db.raw("UPDATE shelves SET privacy = 'followers' WHERE id % 7 = 0").run()
            try await db.raw("UPDATE statuses SET deleted_at = 1 WHERE id % 11 = 0").run()
        }
    }
}
