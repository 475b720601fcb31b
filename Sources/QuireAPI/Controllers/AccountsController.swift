import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
import QuireCore
import QuireStore

/// Registration.
///
///     POST /v1/accounts    register: username, email, password
public struct AccountsController: Sendable {
    let database: Database
    let bcryptCost: UInt8

    public init(database: Database, bcryptCost: UInt8) {
        self.database = database
        self.bcryptCost = bcryptCost
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post("/v1/accounts", use: register)
    }

    @Sendable func register(_ request: Request, context: QuireRequestContext) async throws -> EditedResponse<AccountResponse> {
        let input = try await request.decodeInput(as: RegisterAccountRequest.self)
        let username = try required(input.username, "username")
        let email = try required(input.email, "email")
        let password = try required(input.password, "password")
        let user = try await register(username: username, email: email, password: password)
        return EditedResponse(status: .created, headers: [.location: "/v1/users/\(user.username)"], response: AccountResponse(user))
    }
}

extension AccountsController {
    /// Checks the fields and makes the account with its default shelves: the API's registration
    /// and the web sign-up page share it. A bad field is a 400 naming it, a taken name a 409.
    public func register(username: String, email: String, password: String) async throws -> UserRecord {
        if let problem = AccountRules.usernameProblem(username) { throw APIError.invalid("username", problem) }
        if let problem = AccountRules.emailProblem(email) { throw APIError.invalid("email", problem) }
        if let problem = AccountRules.passwordProblem(password) { throw APIError.invalid("password", problem) }

        // bcrypt is deliberately slow, so it runs on the thread pool, never on an event loop.
        let cost = bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        // The account, its four default shelves and its counter row are made together or not at all.
        let created = try await database.write { db -> UserRecord? in
            guard let user = try await UserQueries.create(NewUser(username: username, email: email, passwordHash: hash), on: db) else {
                return nil
            }
            try await ShelfQueries.createDefaults(userID: user.id, privacy: user.defaultPrivacy, on: db)
            return user
        }
        guard let user = created else {
            throw APIError(.conflict, code: "username_taken", message: "username: \(username) is already taken", field: "username")
        }
        return user
    }
}

/// A required string field of a request body, or a 400 naming it.
func required(_ value: String?, _ field: String) throws -> String {
    guard let value, !value.isEmpty else { throw APIError.invalid(field, "is required") }
    return value
}
