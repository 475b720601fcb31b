import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// The signed-in user's own account.
///
///     GET   /v1/me   the account, with its settings
///     PATCH /v1/me   change display_name, bio, default_privacy, manually_approves_followers
public struct MeController: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/me", use: show)
        router.patch("/v1/me", use: update)
    }

    static let displayNameMax = 100
    static let bioMax = 5000

    /// Absent fields stay as they are; an empty display name or bio clears it.
    struct UpdateRequest: Decodable {
        let displayName: String?
        let bio: String?
        let defaultPrivacy: String?
        let manuallyApprovesFollowers: Bool?
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try JSONBody.response(AccountResponse(user), selection: try FieldSelection.parse(request, for: AccountResponse.self))
    }

    @Sendable func update(_ request: Request, context: QuireRequestContext) async throws -> AccountResponse {
        let user = try context.requireUser()
        let input = try await request.decodeInput(as: UpdateRequest.self)
        let updated = try await update(
            user, displayName: input.displayName, bio: input.bio, defaultPrivacy: input.defaultPrivacy,
            manuallyApprovesFollowers: input.manuallyApprovesFollowers)
        return AccountResponse(updated)
    }

    /// Checks and saves the account's settings: the API's `PATCH /v1/me` and the settings page
    /// share it. Nil leaves a setting as it is; an empty display name or bio clears it.
    public func update(
        _ user: UserRecord, displayName: String?, bio: String?, defaultPrivacy: String?, manuallyApprovesFollowers: Bool?
    ) async throws -> UserRecord {
        if let name = displayName {
            guard TextRules.length(name) <= Self.displayNameMax else {
                throw APIError.invalid("display_name", "must be at most \(Self.displayNameMax) characters long")
            }
            if let problem = TextRules.singleLineProblem(name) { throw APIError.invalid("display_name", problem) }
        }
        if let bio = bio {
            guard TextRules.length(bio) <= Self.bioMax else { throw APIError.invalid("bio", "must be at most \(Self.bioMax) characters long") }
            if let problem = TextRules.freeTextProblem(bio) { throw APIError.invalid("bio", problem) }
        }
        if let privacy = defaultPrivacy, Privacy(rawValue: privacy) == nil {
            throw APIError.invalid("default_privacy", "must be one of public, followers, private")
        }
        let changes = UserChanges(
            displayName: displayName.map { $0.isEmpty ? nil : $0 },
            bio: bio.map { $0.isEmpty ? nil : $0 },
            defaultPrivacy: defaultPrivacy,
            manuallyApprovesFollowers: manuallyApprovesFollowers)
        // Its commit removes the account's sessions from every session cache (`SessionCache.dropped`).
        let updated = try await database.write { try await UserQueries.update(user.id, changes, on: $0) }
        guard let updated else { throw APIError.notFound("account") }
        return updated
    }
}
