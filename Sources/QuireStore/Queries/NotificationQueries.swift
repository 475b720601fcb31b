import QuireCore
import SQLKit

/// What a notification is about.
public enum NotificationKind: String, Sendable, CaseIterable {
    case follow, followRequest = "follow_request", like, boost, reply, mention
}

public struct NotificationRecord: Sendable {
    public let id: Int64
    public let kind: String
    public let actorID: Int64
    public let statusID: Int64?
    public let createdAt: Int64
    public let read: Bool
}

public enum NotificationQueries {
    /// Notifies `userID` of what `actorID` did, once (the unique index `notifications_once` makes a
    /// second like after an unlike, or a repeated follow, notify nothing), and counts it unread in
    /// `changes`. Nobody is notified of their own acts.
    static func notify(_ userID: Int64, _ kind: NotificationKind, actor actorID: Int64, statusID: Int64?,
                       changes: inout CounterChanges, on db: any SQLDatabase) async throws {
        guard userID != actorID else { return }
        let inserted = try await db.raw("""
            INSERT INTO notifications (user_id, kind, actor_id, status_id, created_at)
            VALUES (\(bind: userID), \(bind: kind.rawValue), \(bind: actorID), \(bind: statusID ?? 0), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (user_id, kind, actor_id, status_id) DO NOTHING
            RETURNING id
            """).first()
        if inserted != nil { changes.unread(of: userID, actor: actorID, 1) }
    }

    /// A page of the user's notifications newest first, through `notifications_user`, leaving out
    /// those from users either side blocks.
    public static func list(userID: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [NotificationRecord] {
        try await db.raw("""
            SELECT n.id, n.kind, n.actor_id, n.status_id, n.created_at, n.read_at FROM notifications n
            WHERE n.user_id = \(bind: userID) AND n.id < \(bind: before ?? Int64.max)
              AND \(StatusVisibility.notBlocked("n.actor_id", viewer: userID))
            ORDER BY n.id DESC LIMIT \(bind: limit)
            """).all().map { row in
                let statusID = try row.decode(column: "status_id", as: Int64.self)
                return NotificationRecord(
                    id: try row.decode(column: "id", as: Int64.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    actorID: try row.decode(column: "actor_id", as: Int64.self),
                    statusID: statusID == 0 ? nil : statusID,
                    createdAt: try row.decode(column: "created_at", as: Int64.self),
                    read: try row.decode(column: "read_at", as: Int64?.self) != nil)
            }
    }

    /// Marks the user's unread notifications up to `upTo` (all when nil) read, through the partial
    /// index `notifications_unread`, and takes exactly as many off the unread count.
    public static func markRead(userID: Int64, upTo: Int64?, on db: any SQLDatabase) async throws {
        let marked = try await db.raw("""
            UPDATE notifications SET read_at = \(bind: Timestamp.microsecondsNow())
            WHERE user_id = \(bind: userID) AND read_at IS NULL AND id <= \(bind: upTo ?? Int64.max)
            RETURNING id
            """).all().count
        guard marked > 0 else { return }
        var changes = CounterChanges()
        changes.unread(of: userID, actor: userID, -Int64(marked))
        try await changes.apply(on: db)
    }

    /// The user's unread count: the sum of at most `Counters.shardCount` rows, never a COUNT.
    public static func unreadCount(userID: Int64, on db: any SQLDatabase) async throws -> Int64 {
        try await Counters.userShardTotal(.unreadNotifications, of: userID, on: db)
    }
}
