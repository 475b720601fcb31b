import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Profiles and the people around them.
///
///     GET    /v1/users/{username}             profile with every count and the viewer's relationship
///     GET    /v1/users/{username}/statuses    their statuses and boosts the viewer may see
///     POST   /v1/users/{username}/follow      follow, or ask to (idempotent)
///     DELETE /v1/users/{username}/follow      unfollow, or withdraw the request
///     POST   /v1/users/{username}/block       block: hides each from the other, ends follows both ways
///     DELETE /v1/users/{username}/block       unblock
///     GET    /v1/follow_requests              requests waiting for you, oldest first
///     POST   /v1/follow_requests/{username}/approve
///     POST   /v1/follow_requests/{username}/reject
///
/// A user who blocks the viewer, or whom the viewer blocks, is not found (404), as are their statuses.
public struct UsersController: Sendable {
    let database: Database
    let fanoutLimit: Int

    public init(database: Database, fanoutLimit: Int) {
        self.database = database
        self.fanoutLimit = fanoutLimit
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/users/{username}", use: show)
        router.get("/v1/users/{username}/statuses", use: statuses)
        router.post("/v1/users/{username}/follow", use: follow)
        router.delete("/v1/users/{username}/follow", use: unfollow)
        router.post("/v1/users/{username}/block", use: block)
        router.delete("/v1/users/{username}/block", use: unblock)
        router.get("/v1/follow_requests", use: requests)
        router.post("/v1/follow_requests/{username}/approve", use: approve)
        router.post("/v1/follow_requests/{username}/reject", use: reject)
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: ProfileResponse.self)
        let viewer = context.user?.id ?? 0
        let username = context.parameters.get("username") ?? ""
        let response = try await database.read { try await Self.profile(username, viewer: viewer, on: $0) }
        guard let response else { throw APIError.notFound("user") }
        return response.response(selection: selection)
    }

    @Sendable func statuses(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: StatusResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let viewer = context.user?.id ?? 0
        let username = context.parameters.get("username") ?? ""
        let loaded = try await database.read { try await Self.statuses(of: username, viewer: viewer, before: before, limit: page.limit + 1, on: $0) }
        guard let loaded else { throw APIError.notFound("user") }
        return try StatusPageResponse.response(loaded, limit: page.limit, selection: selection)
    }

    @Sendable func follow(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await relate(.follow, username: context.parameters.get("username") ?? "", viewer: try context.requireUser().id)
    }

    @Sendable func unfollow(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await relate(.unfollow, username: context.parameters.get("username") ?? "", viewer: try context.requireUser().id)
    }

    @Sendable func block(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await relate(.block, username: context.parameters.get("username") ?? "", viewer: try context.requireUser().id)
    }

    @Sendable func unblock(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await relate(.unblock, username: context.parameters.get("username") ?? "", viewer: try context.requireUser().id)
    }

    @Sendable func requests(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: FollowRequestResponse.self)
        let page = try request.pageRequest()
        let after = try page.afterID()
        let rows = try await database.read { db in
            try await FollowQueries.requests(target: user.id, after: after, limit: page.limit + 1, on: db)
        }
        return try JSONBody.response(
            Page(rows: rows, limit: page.limit, cursor: { Cursor([.int($0.id)]) }, item: {
                FollowRequestResponse(id: $0.id, account: AccountSummary($0.requester), createdAt: Timestamp.date(microseconds: $0.createdAt))
            }),
            selection: selection, itemsKey: "items")
    }

    @Sendable func approve(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await answer(request, context: context, approve: true)
    }

    @Sendable func reject(_ request: Request, context: QuireRequestContext) async throws -> RelationshipResponse {
        try await answer(request, context: context, approve: false)
    }

    func answer(_ request: Request, context: QuireRequestContext, approve: Bool) async throws -> RelationshipResponse {
        try await answer(username: context.parameters.get("username") ?? "", viewer: try context.requireUser().id, approve: approve)
    }

    /// Approves or rejects the named user's request to follow `viewer`; a request that isn't
    /// there is a 404.
    public func answer(username: String, viewer: Int64, approve: Bool) async throws -> RelationshipResponse {
        let fanoutLimit = fanoutLimit
        let answered = try await database.write { db -> RelationshipResponse? in
            guard let requester = try await UserQueries.find(username: username, on: db),
                  try await FollowQueries.answerRequest(target: viewer, requester: requester.id, approve: approve, fanoutLimit: fanoutLimit, on: db)
            else { return nil }
            return RelationshipResponse(requester.username, try await FollowQueries.relationship(viewer, requester.id, on: db))
        }
        guard let answered else { throw APIError.notFound("follow request") }
        return answered
    }

    /// What a viewer can do to another account.
    public enum RelationAction: String, Sendable { case follow, unfollow, block, unblock }

    /// Follows, unfollows, blocks or unblocks the named user, then answers with the relationship as
    /// it now is; the API's and the web pages' one way to do it. A user behind a block is a 404
    /// (except to block or unblock them).
    public func relate(_ action: RelationAction, username: String, viewer: Int64) async throws -> RelationshipResponse {
        let fanoutLimit = fanoutLimit
        let response = try await database.write { db -> RelationshipResponse? in
            guard let user = try await UserQueries.find(username: username, on: db) else { return nil }
            if action == .follow || action == .unfollow {
                let relationship = try await FollowQueries.relationship(viewer, user.id, on: db)
                if relationship.blocking || relationship.blockedBy { return nil }
            }
            switch action {
            case .follow:
                guard viewer != user.id else { throw APIError.invalid("username", "you can't follow yourself") }
                try await FollowQueries.follow(viewer, user, fanoutLimit: fanoutLimit, on: db)
            case .unfollow:
                _ = try await FollowQueries.unfollow(viewer, user.id, on: db)
            case .block:
                guard viewer != user.id else { throw APIError.invalid("username", "you can't block yourself") }
                try await BlockQueries.block(viewer, user.id, on: db)
            case .unblock:
                try await BlockQueries.unblock(viewer, user.id, on: db)
            }
            return RelationshipResponse(user.username, try await FollowQueries.relationship(viewer, user.id, on: db))
        }
        guard let response else { throw APIError.notFound("user") }
        return response
    }

    /// The profile as `viewer` (0 when signed out) sees it, or nil when there is no such user or a
    /// block stands between them.
    public static func profile(_ username: String, viewer: Int64, on db: any SQLDatabase) async throws -> ProfileResponse? {
        guard let (user, relationship) = try await visibleUser(username, viewer: viewer, on: db) else { return nil }
        return ProfileResponse(user, counts: try await ProfileQueries.counts(userID: user.id, on: db), relationship: relationship, viewer: viewer)
    }

    /// A page (`limit` rows) of the user's statuses and boosts the viewer may see, or nil as `profile`.
    public static func statuses(of username: String, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusPage? {
        guard let (user, _) = try await visibleUser(username, viewer: viewer, on: db) else { return nil }
        let rows = try await StatusListQueries.byUser(user.id, viewer: viewer, before: before, limit: limit, on: db)
        return try await StatusPageLoader.load(rows, viewer: viewer, on: db)
    }

    /// The user, unless a block stands between them and the viewer.
    public static func visibleUser(_ username: String, viewer: Int64, on db: any SQLDatabase) async throws -> (UserRecord, Relationship)? {
        guard let user = try await UserQueries.find(username: username, on: db) else { return nil }
        let relationship = try await FollowQueries.relationship(viewer, user.id, on: db)
        guard !relationship.blocking, !relationship.blockedBy else { return nil }
        return (user, relationship)
    }
}
