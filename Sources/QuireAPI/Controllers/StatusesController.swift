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
        let response = try await database.write { try await Self.post(input, user: user, on: $0) }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: .all, status: .created, headers: [.location: "/v1/statuses/\(response.id)"])
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let id = try request.id("id", context: context, what: "status")
        let viewer = context.user?.id ?? 0
        let response = try await database.read { try await Self.status(id, viewer: viewer, on: $0) }
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
        let loaded = try await database.read { try await Self.thread(id, viewer: viewer, after: after, limit: page.limit + 1, on: $0) }
        guard let loaded else { throw APIError.notFound("status") }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    @Sendable func like(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(.like, request, context: context)
    }

    @Sendable func unlike(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(.unlike, request, context: context)
    }

    @Sendable func boost(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(.boost, request, context: context)
    }

    @Sendable func unboost(_ request: Request, context: QuireRequestContext) async throws -> Response {
        try await react(.unboost, request, context: context)
    }

    func react(_ reaction: Reaction, _ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "status")
        let response = try await database.write { try await Self.react(reaction, statusID: id, user: user.id, on: $0) }
        guard let response else { throw APIError.notFound("status") }
        return response.response(selection: .all)
    }
}

/// The reads and writes the API's handlers and the web pages share, so both load the same rows and
/// decide who sees what the same way.
extension StatusesController {
    public enum Reaction: String, Sendable { case like, unlike, boost, unboost }

    /// Checks and posts a status; a bad field is a 400 naming it.
    public static func post(_ input: StatusInput, user: UserRecord, on db: any SQLDatabase) async throws -> StatusResponse? {
        var edition: EditionRecord?
        if let editionID = input.editionId { edition = try await EditionQueries.find(editionID, on: db) }
        let new = try StatusValidation.newStatus(input, user: user, edition: edition)
        let status: StatusRecord
        do {
            status = try await StatusQueries.create(new, on: db)
        } catch StatusWriteError.replyTargetNotFound {
            throw APIError.invalid("in_reply_to_id", "no status with this id that you can reply to")
        }
        return try await render(status, viewer: user.id, on: db)
    }

    /// One status the viewer (0 when signed out) may see, or nil.
    public static func status(_ id: Int64, viewer: Int64, on db: any SQLDatabase) async throws -> StatusResponse? {
        guard let rows = try await StatusQueries.find(shown: id, viewer: viewer, on: db), let status = rows.statuses.first else { return nil }
        return StatusResponse.make(status, page: try await StatusPageLoader.load(rows, viewer: viewer, on: db))
    }

    /// A page (`limit` rows) of the thread the status belongs to, root first, or nil when the viewer may not see the status.
    public static func thread(_ id: Int64, viewer: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusPage? {
        guard let root = try await StatusListQueries.threadRoot(of: id, viewer: viewer, on: db) else { return nil }
        let rows = try await StatusListQueries.thread(rootID: root, viewer: viewer, after: after, limit: limit, on: db)
        return try await StatusPageLoader.load(rows, viewer: viewer, on: db)
    }

    /// Likes and boosts act on the status a boost boosts, and answer with it as it now is; nil
    /// when the user may not see it.
    public static func react(_ reaction: Reaction, statusID id: Int64, user: Int64, on db: any SQLDatabase) async throws -> StatusResponse? {
        guard var status = try await StatusQueries.find(id, viewer: user, on: db) else { return nil }
        if let original = status.boostOfID {
            guard let boosted = try await StatusQueries.find(original, viewer: user, on: db) else { return nil }
            status = boosted
        }
        switch reaction {
        case .like: try await LikeQueries.like(status, by: user, on: db)
        case .unlike: try await LikeQueries.unlike(status.id, by: user, on: db)
        case .boost:
            do {
                try await LikeQueries.boost(status, by: user, on: db)
            } catch StatusWriteError.notBoostable {
                throw APIError(.unprocessableContent, code: "not_boostable", message: "only public and unlisted statuses can be boosted")
            }
        case .unboost: try await LikeQueries.unboost(status.id, by: user, on: db)
        }
        return try await render(status, viewer: user, on: db)
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
            StatusResponse.write(status, page: page, to: &w)
        }
    }
}
