import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Shelves and the books on them.
///
///     GET    /v1/users/{username}/shelves            a user's shelves the viewer may see
///     POST   /v1/shelves                              create a custom shelf
///     PATCH  /v1/shelves/{id}                         rename it or change its privacy
///     DELETE /v1/shelves/{id}                         delete a custom shelf
///     GET    /v1/shelves/{id}/books                   its books, newest first
///     PUT    /v1/shelves/{id}/books/{edition_id}      shelve an edition; with {"post_status": true} on a
///                                                     default shelf, also post "finished reading" and the like
///     DELETE /v1/shelves/{id}/books/{edition_id}      unshelve it
public struct ShelvesController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// The optional body of a shelving: whether to post the generated status, and to whom.
    struct ShelvingInput: Decodable {
        let postStatus: Bool?
        let privacy: String?
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/users/{username}/shelves", use: list)
        router.post("/v1/shelves", use: create)
        router.patch("/v1/shelves/{id}", use: update)
        router.delete("/v1/shelves/{id}", use: delete)
        router.get("/v1/shelves/{id}/books", use: books)
        router.put("/v1/shelves/{id}/books/{edition_id}", use: shelve)
        router.delete("/v1/shelves/{id}/books/{edition_id}", use: unshelve)
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: ShelfResponse.self)
        let page = try request.pageRequest()
        let after = try page.afterID()
        let username = context.parameters.get("username") ?? ""
        let viewer = context.user?.id
        let shelves = try await database.read { try await Self.visibleShelves(of: username, viewer: viewer, after: after, limit: page.limit + 1, on: $0) }
        guard let shelves else { throw APIError.notFound("user") }
        return try JSONBody.response(
            Page(rows: shelves, limit: page.limit, cursor: { Cursor([.int($0.id)]) }, item: ShelfResponse.init),
            selection: selection, itemsKey: "items")
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeInput(as: ShelfInput.self)
        let name = try Self.name(input.name)
        let privacy = try Self.privacy(input.privacy) ?? Privacy(rawValue: user.defaultPrivacy) ?? .public
        let identifier = Slug.make(name)
        let shelf = try await database.write { db -> ShelfRecord? in
            try await ShelfQueries.create(userID: user.id, identifier: identifier, name: name, privacy: privacy.rawValue, on: db)
        }
        guard let shelf else {
            throw APIError(.conflict, code: "shelf_exists", message: "name: you already have a shelf called \(identifier)", field: "name")
        }
        return try JSONBody.response(ShelfResponse(shelf), status: .created, headers: [.location: "/v1/shelves/\(shelf.id)"])
    }

    @Sendable func update(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "shelf")
        let input = try await request.decodeInput(as: ShelfInput.self)
        let newName = try input.name.map { try Self.name($0) }
        let newPrivacy = try Self.privacy(input.privacy)
        let updated = try await database.write { db -> ShelfRecord? in
            let shelf = try await Self.ownShelf(id, user: user, on: db)
            if newName != nil, shelf.isDefault {
                throw APIError(.badRequest, code: "default_shelf", message: "name: default shelves can't be renamed", field: "name")
            }
            let name = newName ?? shelf.name
            return try await ShelfQueries.update(
                shelf, name: name, identifier: shelf.isDefault ? shelf.identifier : Slug.make(name),
                privacy: newPrivacy?.rawValue ?? shelf.privacy, on: db)
        }
        guard let updated else {
            throw APIError(.conflict, code: "shelf_exists", message: "name: you already have a shelf with this name", field: "name")
        }
        return try JSONBody.response(ShelfResponse(updated))
    }

    @Sendable func delete(_ request: Request, context: QuireRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "shelf")
        try await database.write { db in
            let shelf = try await Self.ownShelf(id, user: user, on: db)
            guard !shelf.isDefault else {
                throw APIError(.conflict, code: "default_shelf", message: "default shelves can't be deleted")
            }
            try await ShelfQueries.delete(shelf, on: db)
        }
        return .noContent
    }

    @Sendable func books(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: ShelvedBookResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let id = try request.id("id", context: context, what: "shelf")
        let viewer = context.user?.id
        let books = try await database.read { db -> ([ShelvedBook], [Int64: [AuthorRecord]])? in
            // A first page comes with the shelf's head (the shelves cache); a later one reads on from its cursor.
            guard let head = try await ShelfBookQueries.head(id, covering: before == nil ? page.limit + 1 : 0, on: db),
                  try await Self.privacies(viewer: viewer, owner: head.userID, on: db)?.contains(head.privacy) == true else { return nil }
            return try await ShelfBookQueries.list(head, shelfID: id, before: before, limit: page.limit + 1, on: db)
        }
        guard let (rows, authors) = books else { throw APIError.notFound("shelf") }
        return ShelvedBookResponse.page(rows, authors: authors, limit: page.limit, selection: selection)
    }

    @Sendable func shelve(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "shelf")
        let editionID = try request.id("edition_id", context: context, what: "edition")
        let input = try await request.optionalInput(as: ShelvingInput.self) ?? ShelvingInput(postStatus: nil, privacy: nil)
        let statusPrivacy = try input.privacy.map { text in
            guard let privacy = StatusPrivacy(rawValue: text) else { throw APIError.invalid("privacy", "must be one of public, unlisted, followers, direct") }
            return privacy
        } ?? StatusPrivacy(accountDefault: user.defaultPrivacy)
        let post = input.postStatus == true
        let (result, shelf) = try await database.write {
            try await Self.shelve(editionID, on: id, user: user, postStatus: post, privacy: statusPrivacy, on: $0)
        }
        return try JSONBody.response(ShelfResponse(shelf), status: result == .shelved ? .created : .ok)
    }

    @Sendable func unshelve(_ request: Request, context: QuireRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "shelf")
        let editionID = try request.id("edition_id", context: context, what: "edition")
        let removed = try await database.write { try await Self.unshelve(editionID, from: id, user: user, on: $0) }
        guard removed else { throw APIError.notFound("edition on this shelf") }
        return .noContent
    }

    /// A page (`limit` rows) of the named user's shelves the viewer may see, or nil when there is
    /// no such user or a block stands between them.
    public static func visibleShelves(of username: String, viewer: Int64?, after: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ShelfRecord]? {
        guard let owner = try await UserQueries.find(username: username, on: db),
              let privacies = try await privacies(viewer: viewer, owner: owner.id, on: db)
        else { return nil }
        return try await ShelfQueries.list(userID: owner.id, privacies: privacies, after: after, limit: limit, on: db)
    }

    /// `limit + 1` of the shelf's books, newest first, with the first `limit` books' authors, or
    /// nil when the viewer may not see the shelf.
    public static func visibleBooks(
        on shelf: ShelfRecord, viewer: Int64?, before: Int64?, limit: Int, on db: any SQLDatabase
    ) async throws -> ([ShelvedBook], [Int64: [AuthorRecord]])? {
        guard try await privacies(viewer: viewer, owner: shelf.userID, on: db)?.contains(shelf.privacy) == true else { return nil }
        // Editions and authors in one statement at most, whatever the page size (no N+1).
        return try await ShelfBookQueries.list(shelfID: shelf.id, before: before, limit: limit + 1, on: db)
    }

    /// Puts an edition on the user's own shelf; with `postStatus`, a book newly on a default shelf
    /// also posts the generated status ("finished reading"). Someone else's shelf is a 404.
    public static func shelve(
        _ editionID: Int64, on shelfID: Int64, user: UserRecord, postStatus post: Bool, privacy statusPrivacy: StatusPrivacy, on db: any SQLDatabase
    ) async throws -> (ShelvingResult, ShelfRecord) {
        let shelf = try await Self.ownShelf(shelfID, user: user, on: db)
        guard let edition = try await EditionQueries.find(editionID, on: db) else { throw APIError.notFound("edition") }
        let result = try await ShelfBookQueries.shelve(shelf, edition: edition, on: db)
        // The generated status, as BookWyrm posts it, only when the book newly lands on a default shelf.
        if post, result == .shelved, let defaultShelf = shelf.defaultShelf {
            _ = try await StatusQueries.create(
                NewStatus(userID: user.id, kind: .generated, edition: edition, body: defaultShelf.generatedStatusText, privacy: statusPrivacy),
                on: db)
        }
        return (result, try await ShelfQueries.find(shelfID, on: db) ?? shelf)
    }

    /// Takes an edition off the user's own shelf; false when it wasn't there. Someone else's shelf
    /// is a 404.
    public static func unshelve(_ editionID: Int64, from shelfID: Int64, user: UserRecord, on db: any SQLDatabase) async throws -> Bool {
        let shelf = try await Self.ownShelf(shelfID, user: user, on: db)
        guard let edition = try await EditionQueries.find(editionID, on: db) else { throw APIError.notFound("edition") }
        return try await ShelfBookQueries.unshelve(shelf, edition: edition, on: db)
    }

    /// The shelf if the user owns it; someone else's shelf is a 404 whatever its privacy, so
    /// writes never reveal what exists.
    static func ownShelf(_ id: Int64, user: UserRecord, on db: any SQLDatabase) async throws -> ShelfRecord {
        guard let shelf = try await ShelfQueries.find(id, on: db), shelf.userID == user.id else { throw APIError.notFound("shelf") }
        return shelf
    }

    /// The privacies of `owner`'s shelves the viewer may see, or nil when a block stands between
    /// them: then the owner's shelves are not found, as their profile and statuses are not.
    /// Signed out, or looking at one's own, costs no statement.
    public static func privacies(viewer: Int64?, owner: Int64, on db: any SQLDatabase) async throws -> [String]? {
        let relationship = try await FollowQueries.relationship(viewer ?? 0, owner, on: db)
        guard !relationship.blocking, !relationship.blockedBy else { return nil }
        return Visibility.privacies(viewerID: viewer, ownerID: owner, viewerFollowsOwner: relationship.following)
    }

    static func name(_ value: String?) throws -> String {
        let name = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard ShelfRules.nameLength.contains(TextRules.length(name)) else {
            throw APIError.invalid("name", "must be \(ShelfRules.nameLength.lowerBound) to \(ShelfRules.nameLength.upperBound) characters long")
        }
        if let problem = TextRules.singleLineProblem(name) { throw APIError.invalid("name", problem) }
        return name
    }

    static func privacy(_ value: String?) throws -> Privacy? {
        guard let value else { return nil }
        guard let privacy = Privacy(rawValue: value) else { throw APIError.invalid("privacy", "must be one of public, followers, private") }
        return privacy
    }
}
