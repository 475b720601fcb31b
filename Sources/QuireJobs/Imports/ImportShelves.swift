import QuireCore
import QuireExchange
import QuireStore
import SQLKit

/// The reader's shelves by identifier, read once an import and grown as the file names custom
/// shelves (made with the account's default privacy unless the file says otherwise).
struct ImportShelves: Sendable {
    private(set) var byIdentifier: [String: ShelfRecord]

    static func load(userID: Int64, on db: any SQLDatabase) async throws -> ImportShelves {
        let all = try await ShelfQueries.list(
            userID: userID, privacies: Privacy.allCases.map(\.rawValue), after: nil,
            limit: ShelfRules.maxCustomShelves + DefaultShelf.allCases.count + 1, on: db)
        return ImportShelves(byIdentifier: Dictionary(all.map { ($0.identifier, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    var defaultShelves: [ShelfRecord] { DefaultShelf.allCases.compactMap { byIdentifier[$0.rawValue] } }

    mutating func shelf(
        for shelving: ImportedShelving, privacy: String, userID: Int64, on db: any SQLDatabase
    ) async throws -> Result<ShelfRecord, RowProblem> {
        if let defaultShelf = shelving.defaultShelf {
            guard let shelf = byIdentifier[defaultShelf.rawValue] else { return .failure(RowProblem("the account has no \(defaultShelf.name) shelf")) }
            return .success(shelf)
        }
        let name = shelving.customName ?? ""
        let identifier = Slug.make(name)
        if let shelf = byIdentifier[identifier] { return .success(shelf) }
        guard byIdentifier.values.filter({ !$0.isDefault }).count < ShelfRules.maxCustomShelves else {
            return .failure(RowProblem("the shelf '\(TextRules.prefix(name, 40))' would be more than \(ShelfRules.maxCustomShelves) custom shelves"))
        }
        let privacy = shelving.privacy.flatMap(Privacy.init(rawValue:))?.rawValue ?? privacy
        guard let shelf = try await ShelfQueries.create(userID: userID, identifier: identifier, name: name, privacy: privacy, on: db) else {
            return .failure(RowProblem("the shelf '\(TextRules.prefix(name, 40))' could not be made"))
        }
        byIdentifier[identifier] = shelf
        return .success(shelf)
    }
}
