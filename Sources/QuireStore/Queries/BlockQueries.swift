import QuireCore
import SQLKit

/// Blocks. A block hides each account from the other (`StatusVisibility`) and ends the follows
/// and requests between them both ways, with their counts and home timeline entries.
public enum BlockQueries {
    public static func block(_ blocker: Int64, _ blocked: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (\(bind: blocker), \(bind: blocked), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (blocker_id, blocked_id) DO NOTHING
            """).run()
        // Each one's statuses, and boosts of them, leave the other's home.
        db.changed(.home(blocker))
        db.changed(.home(blocked))
        var changes = CounterChanges()
        for (follower, followee) in [(blocker, blocked), (blocked, blocker)] {
            try await db.raw("DELETE FROM follow_requests WHERE requester_id = \(bind: follower) AND target_id = \(bind: followee)").run()
            let deleted = try await db.raw("""
                DELETE FROM follows WHERE follower_id = \(bind: follower) AND followee_id = \(bind: followee) RETURNING follower_id
                """).first()
            guard deleted != nil else { continue }
            db.changed(.following(follower))
            try await HomeTimelineQueries.remove(reader: follower, author: followee, on: db)
            changes.user(follower, .following, -1)
            changes.followers(of: followee, actor: follower, -1)
        }
        try await changes.apply(on: db)
    }

    public static func unblock(_ blocker: Int64, _ blocked: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM blocks WHERE blocker_id = \(bind: blocker) AND blocked_id = \(bind: blocked)").run()
        // Boosts of each one's statuses come back into the other's home.
        db.changed(.home(blocker))
        db.changed(.home(blocked))
    }
}
