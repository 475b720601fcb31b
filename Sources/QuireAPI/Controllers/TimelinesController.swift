import Foundation
import Hummingbird
import QuireCore
import QuireStore

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
        let loaded = try await database.read { db in
            let rows = try await HomeTimelineQueries.page(reader: user.id, before: before, limit: page.limit + 1, on: db)
            return try await StatusPageLoader.load(rows, viewer: user.id, on: db)
        }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    @Sendable func reviews(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let id = try request.id("id", context: context, what: "work")
        let viewer = context.user?.id ?? 0
        let loaded = try await database.read { db -> StatusPage? in
            guard try await WorkQueries.find(id, on: db) != nil else { return nil }
            let rows = try await StatusListQueries.reviews(workID: id, viewer: viewer, before: before, limit: page.limit + 1, on: db)
            return try await StatusPageLoader.load(rows, viewer: viewer, on: db)
        }
        guard let loaded else { throw APIError.notFound("work") }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }
}
