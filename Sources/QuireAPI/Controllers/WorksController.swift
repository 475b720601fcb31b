import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Works and authors, each with a keyset-paginated list of what belongs to it.
///
///     GET /v1/works/{id}           a work, its authors, counters, stats and a page of its editions
///     GET /v1/works/{id}/similar   the works its readers also shelved (catalog.similar), most shared first
///     GET /v1/authors/{id}         an author, their stats and a page of their works
public struct WorksController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/works/{id}", use: work)
        router.get("/v1/works/{id}/similar", use: similar)
        router.get("/v1/authors/{id}", use: author)
    }

    struct WorkResponse: FieldSelectable {
        let id: Int64
        let title: String
        let authors: [AuthorSummary]
        let shelvedUsersCount: Int64
        let ratingsCount: Int64
        let averageRating: Double?
        let reviewsCount: Int64
        let stats: WorkStatsResponse?
        let editions: Page<EditionResponse>

        static let fieldNames = [
            "id", "title", "authors", "shelved_users_count", "ratings_count", "average_rating", "reviews_count", "stats", "editions",
        ]
    }

    struct WorkSummary: Encodable, Sendable {
        let id: Int64
        let title: String
    }

    struct AuthorResponse: FieldSelectable {
        let id: Int64
        let name: String
        let openlibraryKey: String?
        let goodreadsKey: String?
        let stats: AuthorStatsResponse?
        let works: Page<WorkSummary>

        static let fieldNames = ["id", "name", "openlibrary_key", "goodreads_key", "stats", "works"]
    }

    @Sendable func work(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: WorkResponse.self)
        let id = try request.id("id", context: context, what: "work")
        let page = try request.pageRequest()
        let after = try page.afterID()
        let response = try await database.read { db -> WorkResponse? in
            guard let work = try await WorkQueries.find(id, on: db) else { return nil }
            let authors = try await AuthorQueries.byWork([id], on: db)[id] ?? []
            let editions = try await EditionQueries.byWork(id, after: after, limit: page.limit + 1, on: db)
            // One primary-key read, skipped when `?fields=` leaves stats out.
            let stats = try await selection.includes("stats") ? CatalogStatsQueries.work(id, on: db) : nil
            return WorkResponse(
                id: work.id, title: work.title, authors: authors.map { AuthorSummary(id: $0.id, name: $0.name) },
                shelvedUsersCount: work.shelvedUsers, ratingsCount: work.ratingsCount,
                // rating_sum is kept in half stars.
                averageRating: work.ratingsCount > 0 ? Double(work.ratingSum) / 2 / Double(work.ratingsCount) : nil,
                reviewsCount: work.reviews, stats: stats.map(WorkStatsResponse.init),
                editions: Page(rows: editions, limit: page.limit, cursor: { Cursor([.int($0.id)]) },
                               item: { EditionResponse($0, authors: authors) }))
        }
        guard let response else { throw APIError.notFound("work") }
        return try JSONBody.response(response, selection: selection)
    }

    @Sendable func author(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: AuthorResponse.self)
        let id = try request.id("id", context: context, what: "author")
        let page = try request.pageRequest()
        let after = try page.afterID()
        let response = try await database.read { db -> AuthorResponse? in
            guard let author = try await AuthorQueries.find(id, on: db) else { return nil }
            let works = try await WorkQueries.byAuthor(id, after: after, limit: page.limit + 1, on: db)
            let stats = try await selection.includes("stats") ? CatalogStatsQueries.author(id, on: db) : nil
            return AuthorResponse(
                id: author.id, name: author.name, openlibraryKey: author.openlibraryKey, goodreadsKey: author.goodreadsKey,
                stats: stats.map(AuthorStatsResponse.init),
                works: Page(rows: works, limit: page.limit, cursor: { Cursor([.int($0.id)]) },
                            item: { WorkSummary(id: $0.id, title: $0.title) }))
        }
        guard let response else { throw APIError.notFound("author") }
        return try JSONBody.response(response, selection: selection)
    }

    /// Three statements whatever the page holds: the work, its list with the listed works'
    /// titles, and their authors.
    @Sendable func similar(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: SimilarWorkResponse.self)
        let id = try request.id("id", context: context, what: "work")
        let page = try request.pageRequest()
        let after = try page.afterID() ?? 0
        guard after >= 0, after <= Int64(Int32.max) else { throw APIError.invalid("cursor", "must be the next_cursor from a previous page") }
        let response = try await database.read { db -> Page<SimilarWorkResponse>? in
            guard let (rows, items) = try await Self.similar(id, afterRank: Int(after), limit: page.limit, on: db) else { return nil }
            let byWork = Dictionary(items.map { ($0.work.id, $0) }, uniquingKeysWith: { first, _ in first })
            return Page(rows: rows, limit: page.limit, cursor: { Cursor([.int(Int64($0.rank))]) }, compactItem: { byWork[$0.workID] })
        }
        guard let response else { throw APIError.notFound("work") }
        return try JSONBody.response(response, selection: selection, itemsKey: "items")
    }

    /// `limit + 1` rows of the works the work's readers also shelved, and the first `limit` as
    /// shown, in three statements; nil when there is no such work.
    public static func similar(
        _ id: Int64, afterRank: Int, limit: Int, on db: any SQLDatabase
    ) async throws -> ([SimilarWorkRecord], [SimilarWorkResponse])? {
        guard try await WorkQueries.find(id, on: db) != nil else { return nil }
        let rows = try await SimilarWorksQueries.list(id, afterRank: afterRank, limit: limit + 1, on: db)
        let authors = try await AuthorQueries.byWork(rows.prefix(limit).map(\.workID), on: db)
        let items = rows.prefix(limit).map { row in
            SimilarWorkResponse(
                work: .init(id: row.workID, title: row.title, authors: (authors[row.workID] ?? []).map { AuthorSummary(id: $0.id, name: $0.name) }),
                sharedReaders: row.sharedReaders)
        }
        return (rows, items)
    }
}
