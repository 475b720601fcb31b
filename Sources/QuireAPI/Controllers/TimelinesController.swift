import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Timelines, newest first, keyset-paginated, filtered by privacy and blocks.
///
///     GET /v1/timelines/home        your own and followed users' statuses and boosts
///     GET /v1/works/{id}/reviews    a work's reviews across all its editions
public struct TimelinesController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/timelines/home", use: home)
        router.get("/v1/works/{id}/reviews", use: reviews)
    }

    @Sendable func home(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let loaded = try await database.read { try await Self.home(reader: user.id, before: before, limit: page.limit + 1, on: $0) }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    @Sendable func reviews(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let id = try request.id("id", context: context, what: "work")
        let viewer = context.user?.id ?? 0
        let loaded = try await database.read { try await Self.reviews(workID: id, viewer: viewer, before: before, limit: page.limit + 1, on: $0) }
        guard let loaded else { throw APIError.notFound("work") }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    /// A page (`limit` rows) of the reader's home timeline.
    public static func home(reader: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusPage {
        let page = try await HomeTimelineQueries.page(reader: reader, before: before, limit: limit, on: db)
        return try await StatusPageLoader.load(page, viewer: reader, on: db)
    }

    /// A page (`limit` rows) of the work's reviews the viewer may see, or nil when there is no such work.
    public static func reviews(workID id: Int64, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusPage? {
        guard try await WorkQueries.find(id, on: db) != nil else { return nil }
        let rows = try await StatusListQueries.reviews(workID: id, viewer: viewer, before: before, limit: limit, on: db)
        return try await StatusPageLoader.load(rows, viewer: viewer, on: db)
    }
}
