import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Statuses: reviews, comments, quotations and notes, their threads, likes and boosts.
///
///     POST   /v1/statuses                 post one
///     GET    /v1/statuses/{id}            one status the viewer may see
///     PATCH  /v1/statuses/{id}            edit your own (the edit time is kept)
///     DELETE /v1/statuses/{id}            delete your own (soft; every count follows)
///     GET    /v1/statuses/{id}/thread     its thread, root first, keyset-paginated
///     POST   /v1/statuses/{id}/like       like (idempotent)
///     DELETE /v1/statuses/{id}/like       unlike
///     POST   /v1/statuses/{id}/boost      boost a public or unlisted status (idempotent)
///     DELETE /v1/statuses/{id}/boost      unboost
public struct StatusesController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post("/v1/statuses", use: create)
        router.get("/v1/statuses/{id}", use: show)
        router.patch("/v1/statuses/{id}", use: update)
        router.delete("/v1/statuses/{id}", use: delete)
        router.get("/v1/statuses/{id}/thread", use: thread)
        router.post("/v1/statuses/{id}/like", use: like)
        router.delete("/v1/statuses/{id}/like", use: unlike)
        router.post("/v1/statuses/{id}/boost", use: boost)
        router.delete("/v1/statuses/{id}/boost", use: unboost)
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeInput(as: StatusInput.self)
        let response = try await database.write { db -> StatusResponse? in
            var edition: EditionRecord?
            if let editionID = input.editionId { edition = try await EditionQueries.find(editionID, on: db) }
            let new = try StatusValidation.newStatus(input, user: user, edition: edition)
            let status: StatusRecord
            do {
                status = try await StatusQueries.create(new, on: db)
            } catch StatusWriteError.replyTargetNotFound {
                throw APIError.invalid("in_reply_to_id", "no status with this id that you can reply to")
            }
            return try await Self.render(status, viewer: user.id, on: db)
        }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: .all, status: .created, headers: [.location: "/v1/statuses/\(response.id)"])
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let id = try request.id("id", context: context, what: "status")
        let viewer = context.user?.id ?? 0
        let response = try await database.read { db -> StatusResponse? in
            guard let status = try await StatusQueries.find(id, viewer: viewer, on: db) else { return nil }
            return try await Self.render(status, viewer: viewer, on: db)
        }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: selection)
    }

    @Sendable func update(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "status")
        let input = try await request.decodeInput(as: StatusInput.self)
        let response = try await database.write { db -> StatusResponse? in
            guard let current = try await StatusQueries.find(id, viewer: user.id, on: db), current.userID == user.id,
                  current.kind != StatusKind.boost.rawValue
            else { return nil }
            let changes = try StatusValidation.changes(input, kind: current.kind)
            guard let updated = try await StatusQueries.update(id, author: user.id, changes, on: db) else { return nil }
            if updated.kind == StatusKind.review.rawValue, updated.body.isEmpty, updated.rating == nil {
                throw APIError.invalid("body", "a review needs a body, a rating or both")
            }
            return try await Self.render(updated, viewer: user.id, on: db)
        }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: .all)
    }

    @Sendable func delete(_ request: Request, context: QuireRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "status")
        let deleted = try await database.write { db in try await StatusQueries.delete(id, author: user.id, on: db) }
        guard deleted else { throw APIError.notFound("status") }
        return .noContent
    }

    @Sendable func thread(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let page = try request.pageRequest()
        let after = try page.afterID()
        let id = try request.id("id", context: context, what: "status")
        let viewer = context.user?.id ?? 0
        let loaded = try await database.read { db -> StatusPage? in
            guard let status = try await StatusQueries.find(id, viewer: viewer, on: db) else { return nil }
            let rows = try await StatusListQueries.thread(rootID: status.threadID ?? status.id, viewer: viewer, after: after, limit: page.limit + 1, on: db)
            return try await StatusPageLoader.load(rows, viewer: viewer, on: db)
        }
        guard let loaded else { throw APIError.notFound("status") }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    @Sendable func like(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(request, context: context) { status, user, db in try await LikeQueries.like(status, by: user, on: db) }
    }

    @Sendable func unlike(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(request, context: context) { status, user, db in try await LikeQueries.unlike(status.id, by: user, on: db) }
    }

    @Sendable func boost(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(request, context: context) { status, user, db in
            do {
                try await LikeQueries.boost(status, by: user, on: db)
            } catch StatusWriteError.notBoostable {
                throw APIError(.unprocessableContent, code: "not_boostable", message: "only public and unlisted statuses can be boosted")
            }
        }
    }

    @Sendable func unboost(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(request, context: context) { status, user, db in try await LikeQueries.unboost(status.id, by: user, on: db) }
    }

    /// Likes and boosts act on the status a boost boosts, and answer with it as it now is.
    func react(_ request: Request, context: QuireRequestContext,
               _ act: @escaping @Sendable (StatusRecord, Int64, any SQLDatabase) async throws -> Void) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "status")
        let response = try await database.write { db -> StatusResponse? in
            guard var status = try await StatusQueries.find(id, viewer: user.id, on: db) else { return nil }
            if let original = status.boostOfID {
                guard let boosted = try await StatusQueries.find(original, viewer: user.id, on: db) else { return nil }
                status = boosted
            }
            try await act(status, user.id, db)
            return try await Self.render(status, viewer: user.id, on: db)
        }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: .all)
    }

    static func render(_ status: StatusRecord, viewer: Int64, on db: any SQLDatabase) async throws -> StatusResponse? {
        StatusResponse.make(status, page: try await StatusPageLoader.load([status], viewer: viewer, on: db))
    }
}

/// A page of statuses as every status list answers it.
enum StatusPageResponse {
    static func response(_ page: StatusPage, limit: Int, selection: FieldSelection) throws -> Response {
        // A status that can't be shown (its boosted original gone) is left out; the cursor still follows the rows.
        JSONPage.response(page.statuses, limit: limit, selection: selection, bytesPerItem: 600, cursor: { Cursor([.int($0.id)]) }) { status, w in
            StatusResponse.make(status, page: page)?.write(to: &w)
        }
    }
}
