import Foundation
import QuireCore
import QuireExchange
import QuireStore
import SQLKit

/// The account-wide part of BookWyrm's archive: the profile's name and summary, its settings,
/// custom shelves (with their privacy, empty ones too), and follows and blocks of accounts on
/// this server, named by their URL under the server's public URL. Written in one transaction
/// after the books. A person on another server, or a name no account here has, is returned as
/// unresolved (a JSON list of `{"kind", "url"}`), to be shown with the import.
struct ImportAccountRestore {
    let userID: Int64
    let publicURL: String
    let fanoutLimit: Int

    /// The API's limits on a profile (`MeController`): longer text from an archive is cut to them.
    static let displayNameMax = 100
    static let summaryMax = 5_000

    func restore(_ account: ImportedAccount, on db: any SQLDatabase) async throws -> String? {
        let displayName = account.displayName.map { TextRules.prefix($0, Self.displayNameMax) }.flatMap { TextRules.singleLineProblem($0) == nil ? $0 : nil }
        let summary = account.summary.map { TextRules.prefix($0, Self.summaryMax) }.flatMap { TextRules.freeTextProblem($0) == nil ? $0 : nil }
        let privacy = account.defaultPrivacy.flatMap(Privacy.init(rawValue:))?.rawValue
        _ = try await UserQueries.update(userID, UserChanges(
            displayName: displayName.map { .some($0) }, bio: summary.map { .some($0) }, defaultPrivacy: privacy,
            manuallyApprovesFollowers: account.manuallyApprovesFollowers), on: db)
        var shelves = try await ImportShelves.load(userID: userID, on: db)
        // A name the API would refuse is not made (its rows failed with the reason): a name of
        // 20,000 characters from an archive was stored, and shown on every list of the shelves.
        for shelf in account.shelves {
            guard let name = shelf.customName, ImportRowRules.shelfNameProblem(name) == nil else { continue }
            _ = try await shelves.shelf(for: shelf, privacy: privacy ?? Privacy.public.rawValue, userID: userID, on: db)
        }
        var unresolved: [[String: String]] = []
        for (kind, urls) in [("follow", account.follows), ("block", account.blocks)] {
            for url in urls {
                guard let target = try await localUser(url, on: db), target.id != userID else {
                    if unresolved.count < 1_000 { unresolved.append(["kind": kind, "url": TextRules.prefix(url, 500)]) }
                    continue
                }
                if kind == "block" {
                    try await BlockQueries.block(userID, target.id, on: db)
                } else {
                    let relationship = try await FollowQueries.relationship(userID, target.id, on: db)
                    guard !relationship.blocking, !relationship.blockedBy else { continue }
                    try await FollowQueries.follow(userID, target, fanoutLimit: fanoutLimit, on: db)
                }
            }
        }
        guard !unresolved.isEmpty, let data = try? JSONEncoder().encode(unresolved) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The account a URL names when it is `<public URL>/user/<name>` (BookWyrm's actor URLs).
    private func localUser(_ url: String, on db: any SQLDatabase) async throws -> UserRecord? {
        let prefix = publicURL + "/user/"
        guard url.hasPrefix(prefix) else { return nil }
        let name = url.dropFirst(prefix.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !name.isEmpty, name.count <= 100 else { return nil }
        return try await UserQueries.find(username: String(name), on: db)
    }
}
