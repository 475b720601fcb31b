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
