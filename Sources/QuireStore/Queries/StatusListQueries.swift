import QuireCore
import SQLKit

/// The status lists other than the home timeline. Each is one statement: an index seek, then a
/// walk that stops after `limit` rows the viewer may see (`StatusVisibility`). The statement picks
/// only each row's id and what it boosts; the rows themselves, the boosts' originals included,
/// come through the statuses cache (`StatusQueries.find(_:on:)`), as a home page's do. A list
/// read every row's 19 columns on every request, and its boosts' originals in a statement of
/// their own, though a status changes only when edited, deleted or unboosted.
public enum StatusListQueries {
    /// A user's statuses and boosts, newest first, through `statuses_user`.
    public static func byUser(_ userID: Int64, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusRows {
        try await rows("""
            SELECT s.id, s.boost_of_id FROM statuses s
            WHERE s.user_id = \(bind: userID) AND s.id < \(bind: before ?? Int64.max) AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id DESC LIMIT \(bind: limit)
            """, on: db)
    }

    /// A work's reviews across its editions, newest first, through `statuses_work_kind`.
    public static func reviews(workID: Int64, viewer: Int64, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusRows {
        try await rows("""
            SELECT s.id, s.boost_of_id FROM statuses s
            WHERE s.work_id = \(bind: workID) AND s.kind = \(bind: StatusKind.review.rawValue) AND s.id < \(bind: before ?? Int64.max)
              AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id DESC LIMIT \(bind: limit)
            """, on: db)
    }

    /// A thread in posting order, root first, through `statuses_thread` (the root is the one row
    /// with no thread id, found by its primary key).
    public static func thread(rootID: Int64, viewer: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> StatusRows {
        try await rows("""
            SELECT s.id, s.boost_of_id FROM statuses s
            WHERE (s.id = \(bind: rootID) OR s.thread_id = \(bind: rootID)) AND s.id > \(bind: after ?? 0)
              AND \(StatusVisibility.condition("s", viewer: viewer))
            ORDER BY s.id LIMIT \(bind: limit)
            """, on: db)
    }

    /// The root of the thread status `id` belongs to (itself when it has no thread), when the
    /// viewer may see the status: a primary-key probe that reads no row.
    public static func threadRoot(of id: Int64, viewer: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            SELECT COALESCE(s.thread_id, s.id) AS root FROM statuses s WHERE s.id = \(bind: id) AND \(StatusVisibility.condition("s", viewer: viewer))
            """).first()?.decode(column: "root", as: Int64.self)
    }

    /// The list's entries, then their rows in one `StatusQueries.find`.
    private static func rows(_ entries: SQLQueryString, on db: any SQLDatabase) async throws -> StatusRows {
        try await StatusQueries.find(try await db.raw(entries).all().map(StatusEntry.init), on: db)
    }
}
