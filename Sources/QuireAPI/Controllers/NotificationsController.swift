import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Your notifications: follows, follow requests, likes, boosts, replies and mentions.
///
///     GET  /v1/notifications         newest first, with `unread_count`
///     POST /v1/notifications/read    mark read, all or up to `up_to_id`; answers the unread count
public struct NotificationsController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/notifications", use: list)
        router.post("/v1/notifications/read", use: markRead)
    }

    struct ListResponse: Encodable, Sendable {
        let items: [NotificationResponse]
        let nextCursor: String?
        let unreadCount: Int64

        enum CodingKeys: String, CodingKey { case items, nextCursor, unreadCount }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(nextCursor, forKey: .nextCursor)
            try container.encode(unreadCount, forKey: .unreadCount)
        }
    }

    struct ReadInput: Decodable {
        let upToId: Int64?
    }

    struct UnreadResponse: ResponseEncodable, Sendable {
        let unreadCount: Int64
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: NotificationResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let (rows, actors, unread) = try await database.read { try await Self.page(userID: user.id, before: before, limit: page.limit + 1, on: $0) }
        let built = Page(rows: rows, limit: page.limit, cursor: { Cursor([.int($0.id)]) }, item: { row in
            NotificationResponse(id: row.id, type: row.kind, account: actors[row.actorID].map(AccountSummary.init), statusId: row.statusID,
                                 read: row.read, createdAt: Timestamp.date(microseconds: row.createdAt))
        })
        return try JSONBody.response(ListResponse(items: built.items, nextCursor: built.nextCursor, unreadCount: unread),
                                     selection: selection, itemsKey: "items")
    }

    @Sendable func markRead(_ request: Request, context: QuireRequestContext) async throws -> UnreadResponse {
        let user = try context.requireUser()
        let upTo = try await request.optionalInput(as: ReadInput.self)?.upToId
        if let upTo, upTo <= 0 { throw APIError.invalid("up_to_id", "must be a notification id") }
        let unread = try await database.write { try await Self.markRead(userID: user.id, upTo: upTo, on: $0) }
        return UnreadResponse(unreadCount: unread)
    }

    /// `limit` of the user's notifications, newest first, their actors and the unread count.
    public static func page(
        userID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase
    ) async throws -> ([NotificationRecord], [Int64: UserRecord], Int64) {
        let rows = try await NotificationQueries.list(userID: userID, before: before, limit: limit, on: db)
        // One statement for every actor on the page (no N+1).
        let actors = try await UserQueries.find(ids: Array(Set(rows.map(\.actorID))), on: db)
        return (rows, actors, try await NotificationQueries.unreadCount(userID: userID, on: db))
    }

    /// Marks the user's notifications read, all or up to an id, and answers the unread count.
    public static func markRead(userID: Int64, upTo: Int64?, on db: any SQLDatabase) async throws -> Int64 {
        try await NotificationQueries.markRead(userID: userID, upTo: upTo, on: db)
        return try await NotificationQueries.unreadCount(userID: userID, on: db)
    }
}
