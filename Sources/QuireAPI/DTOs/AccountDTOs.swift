import Foundation
import Hummingbird
import QuireStore

/// `POST /v1/accounts`. Fields are optional here so a missing one gets an error naming it.
struct RegisterAccountRequest: Decodable {
    let username: String?
    let email: String?
    let password: String?
}

/// An account as its owner sees it.
struct AccountResponse: ResponseEncodable, FieldSelectable {
    let id: Int64
    let username: String
    let displayName: String?
    let bio: String?
    let defaultPrivacy: String
    let manuallyApprovesFollowers: Bool
    let createdAt: Date

    static let fieldNames = ["id", "username", "display_name", "bio", "default_privacy", "manually_approves_followers", "created_at"]

    init(_ user: UserRecord) {
        id = user.id
        username = user.username
        displayName = user.displayName
        bio = user.bio
        defaultPrivacy = user.defaultPrivacy
        manuallyApprovesFollowers = user.manuallyApprovesFollowers
        createdAt = Timestamp.date(microseconds: user.createdAt)
    }
}
