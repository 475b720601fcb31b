import QuireCore
import SQLKit

/// The status lists other than the home timeline. Each is one statement: an index seek, then a
/// walk that stops after `limit` rows the viewer may see (`StatusVisibility`).
public enum StatusListQueries {
    /// A user's statuses and boosts, newest first, through `statuses_user`.
    public static func byUser(_ userID: Int64, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [StatusRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns("s")) FROM statuses s
            WHERE s.user_id = \(bind: userID) AND s.id < \(bind: before ?? Int64.max) AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id DESC LIMIT \(bind: limit)
            """).all().map(StatusRecord.init)
    }

    /// A work's reviews across its editions, newest first, through `statuses_work_kind`.
    public static func reviews(workID: Int64, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [StatusRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns("s")) FROM statuses s
            WHERE s.work_id = \(bind: workID) AND s.kind = \(bind: StatusKind.review.rawValue) AND s.id < \(bind: before ?? Int64.max)
              AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id DESC LIMIT \(bind: limit)
            """).all().map(StatusRecord.init)
    }

    /// A thread in posting order, root first, through `statuses_thread` (the root is the one row
    /// with no thread id, found by its primary key).
    public static func thread(rootID: Int64, viewer: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [StatusRecord] {
        try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns("s")) FROM statuses s
            WHERE (s.id = \(bind: rootID) OR s.thread_id = \(bind: rootID)) AND s.id > \(bind: after ?? 0)
              AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id LIMIT \(bind: limit)
            """).all().map(StatusRecord.init)
    }
}
