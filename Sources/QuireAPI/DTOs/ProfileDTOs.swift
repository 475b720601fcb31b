import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// `GET /v1/users/{username}`: the account, every count it shows, and how the viewer stands with it.
public struct ProfileResponse: FieldSelectable {
    public let id: Int64
    public let username: String
    public let displayName: String?
    public let bio: String?
    public let manuallyApprovesFollowers: Bool
    public let createdAt: Date
    public let followersCount: Int64
    public let followingCount: Int64
    public let statusesCount: Int64
    /// Absent when the viewer may not see that shelf: its count would tell what it holds.
    public let toReadCount: Int64?
    public let readingCount: Int64?
    public let readCount: Int64?
    public let stoppedReadingCount: Int64?
    public let following: Bool
    public let requested: Bool
    public let followedBy: Bool
    public let blocking: Bool

    static let fieldNames = [
        "id", "username", "display_name", "bio", "manually_approves_followers", "created_at", "followers_count", "following_count",
        "statuses_count", "to_read_count", "reading_count", "read_count", "stopped_reading_count", "following", "requested",
        "followed_by", "blocking",
    ]

    /// `viewer` is 0 when nobody is signed in.
    init(_ user: UserRecord, counts: ProfileCounts, relationship: Relationship, viewer: Int64) {
        let isOwner = viewer == user.id
        let visible = Set(Visibility.privacies(viewerID: viewer == 0 ? nil : viewer, ownerID: user.id, viewerFollowsOwner: relationship.following))
        func books(_ shelf: DefaultShelf) -> Int64? {
            guard let privacy = counts.shelfPrivacy[shelf], visible.contains(privacy) else { return nil }
            return counts.books[shelf] ?? 0
        }
        id = user.id
        username = user.username
        displayName = user.displayName
        bio = user.bio
        manuallyApprovesFollowers = user.manuallyApprovesFollowers
        createdAt = Timestamp.date(microseconds: user.createdAt)
        followersCount = counts.followers
        followingCount = counts.following
        statusesCount = counts.statuses(forOwner: isOwner, follower: relationship.following)
        toReadCount = books(.toRead)
        readingCount = books(.reading)
        readCount = books(.read)
        stoppedReadingCount = books(.stoppedReading)
        following = relationship.following
        requested = relationship.requested
        followedBy = relationship.followedBy
        blocking = relationship.blocking
    }
}

/// The answer to follow, unfollow, block and unblock: how the viewer now stands with the user.
public struct RelationshipResponse: ResponseEncodable, Sendable {
    public let username: String
    public let following: Bool
    public let requested: Bool
    public let followedBy: Bool
    public let blocking: Bool

    init(_ username: String, _ relationship: Relationship) {
        self.username = username
        following = relationship.following
        requested = relationship.requested
        followedBy = relationship.followedBy
        blocking = relationship.blocking
    }
}

/// A follow request as its target sees it.
struct FollowRequestResponse: FieldSelectable {
    let id: Int64
    let account: AccountSummary
    let createdAt: Date

    static let fieldNames = ["id", "account", "created_at"]
}

/// A notification: what happened, who did it, and the status it was about.
struct NotificationResponse: FieldSelectable {
    let id: Int64
    let type: String
    let account: AccountSummary?
    let statusId: Int64?
    let read: Bool
    let createdAt: Date

    static let fieldNames = ["id", "type", "account", "status_id", "read", "created_at"]
}

extension ProfileResponse: JSONWritable {
    /// The profile as JSONEncoder writes it (fields without a value left out), by hand: a profile
    /// is one primary-key read, and JSONEncoder took 9% of the server's CPU serving it (perf,
    /// release, SQLite). JSONWriterTests holds the two to the same output.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if w.key("id") { w.int(id) }
        if w.key("username") { w.string(username) }
        if let displayName, w.key("display_name") { w.string(displayName) }
        if let bio, w.key("bio") { w.string(bio) }
        if w.key("manually_approves_followers") { w.bool(manuallyApprovesFollowers) }
        if w.key("created_at") { w.date(createdAt) }
        if w.key("followers_count") { w.int(followersCount) }
        if w.key("following_count") { w.int(followingCount) }
        if w.key("statuses_count") { w.int(statusesCount) }
        if let toReadCount, w.key("to_read_count") { w.int(toReadCount) }
        if let readingCount, w.key("reading_count") { w.int(readingCount) }
        if let readCount, w.key("read_count") { w.int(readCount) }
        if let stoppedReadingCount, w.key("stopped_reading_count") { w.int(stoppedReadingCount) }
        if w.key("following") { w.bool(following) }
        if w.key("requested") { w.bool(requested) }
        if w.key("followed_by") { w.bool(followedBy) }
        if w.key("blocking") { w.bool(blocking) }
        w.endObject()
    }
}
