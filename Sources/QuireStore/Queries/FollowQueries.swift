import QuireCore
import SQLKit

/// How `viewer` stands with another user, for a profile and the follow endpoints.
public struct Relationship: Sendable, Equatable {
    public var following: Bool
    public var requested: Bool
    public var followedBy: Bool
    public var blocking: Bool
    public var blockedBy: Bool

    public static let none = Relationship(following: false, requested: false, followedBy: false, blocking: false, blockedBy: false)
}

/// A follow request waiting for its target's answer.
public struct FollowRequestRecord: Sendable {
    public let id: Int64
    public let requester: UserRecord
    public let createdAt: Int64
}

/// Follows and follow requests. Every act is idempotent: following twice is one follow.
public enum FollowQueries {
    /// How `viewer` stands with `other`, in one statement of primary-key probes.
    public static func relationship(_ viewer: Int64, _ other: Int64, on db: any SQLDatabase) async throws -> Relationship {
        guard viewer != 0, viewer != other else { return .none }
        guard let row = try await db.raw("""
            SELECT
              EXISTS (SELECT 1 FROM follows WHERE follower_id = \(bind: viewer) AND followee_id = \(bind: other)) AS following,
              EXISTS (SELECT 1 FROM follow_requests WHERE requester_id = \(bind: viewer) AND target_id = \(bind: other)) AS requested,
              EXISTS (SELECT 1 FROM follows WHERE follower_id = \(bind: other) AND followee_id = \(bind: viewer)) AS followed_by,
              EXISTS (SELECT 1 FROM blocks WHERE blocker_id = \(bind: viewer) AND blocked_id = \(bind: other)) AS blocking,
              EXISTS (SELECT 1 FROM blocks WHERE blocker_id = \(bind: other) AND blocked_id = \(bind: viewer)) AS blocked_by
            """).first()
        else { return .none }
        return Relationship(
            following: try row.decode(column: "following", as: Bool.self),
            requested: try row.decode(column: "requested", as: Bool.self),
            followedBy: try row.decode(column: "followed_by", as: Bool.self),
            blocking: try row.decode(column: "blocking", as: Bool.self),
            blockedBy: try row.decode(column: "blocked_by", as: Bool.self))
    }

    /// Follows `target`, or asks to when it approves followers by hand. The caller has checked
    /// that neither blocks the other.
    public static func follow(_ follower: Int64, _ target: UserRecord, fanoutLimit: Int, on db: any SQLDatabase) async throws {
        if target.manuallyApprovesFollowers {
            let already = try await db.raw("""
                SELECT 1 AS one FROM follows WHERE follower_id = \(bind: follower) AND followee_id = \(bind: target.id)
                """).first()
            guard already == nil else { return }
            let asked = try await db.raw("""
                INSERT INTO follow_requests (requester_id, target_id, created_at) VALUES (\(bind: follower), \(bind: target.id), \(bind: Timestamp.microsecondsNow()))
                ON CONFLICT (requester_id, target_id) DO NOTHING RETURNING id
                """).first()
            guard asked != nil else { return }
            var changes = CounterChanges()
            try await NotificationQueries.notify(target.id, .followRequest, actor: follower, statusID: nil, changes: &changes, on: db)
            try await changes.apply(on: db)
            return
        }
        try await addFollow(follower, target.id, fanoutLimit: fanoutLimit, on: db)
    }

    /// Inserts the follow and everything that follows from it; nothing when it exists already.
    static func addFollow(_ follower: Int64, _ followee: Int64, fanoutLimit: Int, on db: any SQLDatabase) async throws {
        let inserted = try await db.raw("""
            INSERT INTO follows (follower_id, followee_id, created_at) VALUES (\(bind: follower), \(bind: followee), \(bind: Timestamp.microsecondsNow()))
            ON CONFLICT (follower_id, followee_id) DO NOTHING RETURNING follower_id
            """).first()
        guard inserted != nil else { return }
        db.changed(.following(follower))
        // A broadcaster's statuses are merged into the follower's home when read; anyone else's
        // are copied in, and the broadcasters the follower follows stay as they were.
        if try await HomeTimelineQueries.isBroadcaster(followee, on: db) == false {
            db.followedNoBroadcaster(follower)
            try await HomeTimelineQueries.backfill(reader: follower, author: followee, on: db)
        }
        var changes = CounterChanges()
        try await NotificationQueries.notify(followee, .follow, actor: follower, statusID: nil, changes: &changes, on: db)
        changes.user(follower, .following, 1)
        changes.followers(of: followee, actor: follower, 1)
        try await changes.apply(on: db)
        try await HomeTimelineQueries.noteFollowers(of: followee, fanoutLimit: fanoutLimit, on: db)
    }

    /// Unfollows, or withdraws a request. Returns whether there was either.
    @discardableResult
    public static func unfollow(_ follower: Int64, _ followee: Int64, on db: any SQLDatabase) async throws -> Bool {
        let request = try await db.raw("""
            DELETE FROM follow_requests WHERE requester_id = \(bind: follower) AND target_id = \(bind: followee) RETURNING id
            """).first()
        let deleted = try await db.raw("""
            DELETE FROM follows WHERE follower_id = \(bind: follower) AND followee_id = \(bind: followee) RETURNING follower_id
            """).first()
        guard deleted != nil else { return request != nil }
        db.changed(.following(follower))
        try await HomeTimelineQueries.remove(reader: follower, author: followee, on: db)
        var changes = CounterChanges()
        changes.user(follower, .following, -1)
        changes.followers(of: followee, actor: follower, -1)
        try await changes.apply(on: db)
        return true
    }

    /// Answers a request: approving makes the follow. Returns whether there was a request.
    public static func answerRequest(target: Int64, requester: Int64, approve: Bool, fanoutLimit: Int, on db: any SQLDatabase) async throws -> Bool {
        let deleted = try await db.raw("""
            DELETE FROM follow_requests WHERE requester_id = \(bind: requester) AND target_id = \(bind: target) RETURNING id
            """).first()
        guard deleted != nil else { return false }
        if approve { try await addFollow(requester, target, fanoutLimit: fanoutLimit, on: db) }
        return true
    }

    /// The requests waiting for `target`, oldest first, through `follow_requests_target`.
    public static func requests(target: Int64, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [FollowRequestRecord] {
        try await db.raw("""
            SELECT r.id AS request_id, r.created_at AS requested_at, \(unsafeRaw: UserQueries.columns.map { "u.\($0)" }.joined(separator: ", "))
            FROM follow_requests r JOIN users u ON u.id = r.requester_id
            WHERE r.target_id = \(bind: target) AND r.id > \(bind: after ?? 0)
            ORDER BY r.id LIMIT \(bind: limit)
            """).all().map { row in
                FollowRequestRecord(
                    id: try row.decode(column: "request_id", as: Int64.self),
                    requester: try UserQueries.decode(row),
                    createdAt: try row.decode(column: "requested_at", as: Int64.self))
            }
    }
}
