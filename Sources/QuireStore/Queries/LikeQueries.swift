import QuireCore
import SQLKit

/// Likes and boosts of a status the actor may see (the caller found it through
/// `StatusQueries.find`). Each is idempotent: liking twice is one like.
public enum LikeQueries {
    public static func like(_ status: StatusRecord, by userID: Int64, on db: any SQLDatabase) async throws {
        let inserted = try await db.raw("""
            INSERT INTO likes (status_id, user_id, created_at) VALUES (\(bind: status.id), \(bind: userID), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (status_id, user_id) DO NOTHING RETURNING user_id
            """).first()
        guard inserted != nil else { return }
        db.changed(.reacted(reader: userID, status: status.id))
        var changes = CounterChanges()
        try await NotificationQueries.notify(status.userID, .like, actor: userID, statusID: status.id, changes: &changes, on: db)
        changes.status(status.id, actor: userID, likes: 1)
        try await changes.apply(on: db)
    }

    public static func unlike(_ statusID: Int64, by userID: Int64, on db: any SQLDatabase) async throws {
        let deleted = try await db.raw("""
            DELETE FROM likes WHERE status_id = \(bind: statusID) AND user_id = \(bind: userID) RETURNING user_id
            """).first()
        guard deleted != nil else { return }
        db.changed(.reacted(reader: userID, status: statusID))
        var changes = CounterChanges()
        changes.status(statusID, actor: userID, likes: -1)
        try await changes.apply(on: db)
    }

    /// Boosts a public or unlisted status: a status row of its own (one per user and status,
    /// `statuses_boost`) that goes out to the booster's followers like a post.
    public static func boost(_ status: StatusRecord, by userID: Int64, on db: any SQLDatabase) async throws {
        guard StatusPrivacy(rawValue: status.privacy)?.isBoostable == true else { throw StatusWriteError.notBoostable }
        guard let row = try await db.raw("""
            INSERT INTO statuses (user_id, kind, body, privacy, boost_of_id, created_at)
            VALUES (\(bind: userID), \(bind: StatusKind.boost.rawValue), '', \(bind: StatusPrivacy.public.rawValue), \(bind: status.id),
                    \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (boost_of_id, user_id) DO NOTHING
            RETURNING \(unsafeRaw: StatusRecord.columns.joined(separator: ", "))
            """).first()
        else { return }
        db.changed(.reacted(reader: userID, status: status.id))
        try await HomeTimelineQueries.fanOut(try StatusRecord(row: row), mentioned: [], on: db)
        var changes = CounterChanges()
        try await NotificationQueries.notify(status.userID, .boost, actor: userID, statusID: status.id, changes: &changes, on: db)
        changes.status(status.id, actor: userID, boosts: 1)
        try await changes.apply(on: db)
    }

    public static func unboost(_ statusID: Int64, by userID: Int64, on db: any SQLDatabase) async throws {
        let deleted = try await db.raw("""
            DELETE FROM statuses WHERE boost_of_id = \(bind: statusID) AND user_id = \(bind: userID) RETURNING id
            """).first()
        guard let deleted else { return }
        db.changed(.status(try deleted.decode(column: "id", as: Int64.self)))
        db.changed(.reacted(reader: userID, status: statusID))
        var changes = CounterChanges()
        changes.status(statusID, actor: userID, boosts: -1)
        try await changes.apply(on: db)
    }
}
