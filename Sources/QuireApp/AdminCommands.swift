import Foundation
import HummingbirdBcrypt
import QuireCore
import QuireStore

/// What `quire users ...` and `quire counters ...` do, apart from parsing their flags.
extension Commands {
    /// Creates an account from the command line; returns the password used (generated when not given).
    public static func createUser(
        _ configuration: QuireConfiguration, username: String, email: String?, password: String?, admin: Bool
    ) async throws -> String {
        if let problem = AccountRules.usernameProblem(username) { throw ConfigurationError("username \(problem)") }
        if let email, let problem = AccountRules.emailProblem(email) { throw ConfigurationError("email \(problem)") }
        let password = password ?? generatedPassword()
        if let problem = AccountRules.passwordProblem(password) { throw ConfigurationError("password \(problem)") }
        let hash = Bcrypt.hash(password, cost: configuration.bcryptCost)
        let created = try await withDatabase(configuration) { database in
            _ = try await Migrator(database: database).migrate()
            return try await database.write { db -> Bool in
                guard let user = try await UserQueries.create(
                    NewUser(username: username, email: email, passwordHash: hash, isAdmin: admin), on: db) else { return false }
                try await ShelfQueries.createDefaults(userID: user.id, privacy: user.defaultPrivacy, on: db)
                return true
            }
        }
        guard created else { throw ConfigurationError("username \(username) is already taken") }
        return password
    }

    public static func grantAdmin(_ configuration: QuireConfiguration, username: String) async throws {
        let found = try await withDatabase(configuration) { database in
            try await database.write { try await UserQueries.grantAdmin(username: username, on: $0) }
        }
        guard found else { throw ConfigurationError("no user named \(username)") }
    }

    /// Recounts every counter; with `repair`, fixes drift. Progress goes to `report`.
    public static func auditCounters(
        _ configuration: QuireConfiguration, repair: Bool, report: @escaping @Sendable (String) -> Void
    ) async throws -> [CounterDrift] {
        let drift = try await withDatabase(configuration) { database in
            try await CounterAudit(database: database).run(repair: repair) { family, checked in
                report("\(family): \(checked) rows checked")
            }
        }
        // Seen by a scrape only where this runs inside a process that serves /metrics; the
        // nightly counters.repair job is what keeps the server's gauge current.
        CounterDriftMeter.record(drift)
        return drift
    }

    static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}

extension Commands {
    /// `quire seed`: migrates, then fills the database; returns the rows written.
    public static func seed(_ configuration: QuireConfiguration, plan: SeedPlan, progress: @escaping Seeder.Progress) async throws -> Int {
        // Bulk loads are slow statements by design: logging each would only bury the progress lines.
        var configuration = configuration
        configuration.slowStatementThreshold = nil
        // Bulk inserts return to the same index pages: with SQLite's page cache at the server's
        // small default the seed was page-bound.
        configuration.sqliteCacheKiB = configuration.sqliteCacheKiB ?? 65_536
        return try await withDatabase(configuration) { database in
            _ = try await Migrator(database: database).migrate()
            return try await Seeder(database: database, plan: plan).run(progress: progress)
        }
    }
}
