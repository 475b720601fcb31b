import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// The catalog's editions.
///
///     POST  /v1/editions        add an edition (and its work and authors when new)
///     GET   /v1/editions/{id}   one edition with its authors
///     PATCH /v1/editions/{id}   edit it (the user who added it, or an administrator)
///     GET   /v1/isbn/{isbn}     the edition with this ISBN-10 or ISBN-13
public struct EditionsController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.post("/v1/editions", use: create)
        router.get("/v1/editions/{id}", use: show)
        router.patch("/v1/editions/{id}", use: update)
        router.get("/v1/isbn/{isbn}", use: byISBN)
    }

    static let maxAuthors = EditionRules.maxAuthors

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try await request.decodeInput(as: EditionInput.self)
        guard input.title != nil else { throw APIError.invalid("title", "is required") }
        var new = NewEdition(title: "")
        try EditionValidation.apply(input, to: &new)
        new.authorNames = try EditionValidation.list(input.authors ?? [], "authors", maxItems: Self.maxAuthors, maxLength: EditionRules.nameLength)
        new.authorIDs = input.authorIds ?? []
        guard new.authorIDs.count <= Self.maxAuthors else { throw APIError.invalid("author_ids", "may have at most \(Self.maxAuthors) entries") }
        new.workID = input.workId
        new.createdBy = user.id
        let edition = new
        let result = try await database.write { try await EditionQueries.create(edition, on: $0) }
        switch result {
        case .created(let edition, let authors):
            return EditionResponse(edition, authors: authors).response(status: .created, headers: [.location: "/v1/editions/\(edition.id)"])
        case .isbnTaken(let existing):
            throw APIError(.conflict, code: "isbn_taken", message: "isbn_13: edition \(existing) already has this ISBN", field: "isbn_13")
        case .unknownAuthors(let ids):
            throw APIError.invalid("author_ids", "no author with id \(ids.map(String.init).joined(separator: ", "))")
        case .unknownWork:
            throw APIError.invalid("work_id", "no work with this id")
        }
    }

    @Sendable func show(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: EditionResponse.self)
        let id = try request.id("id", context: context, what: "edition")
        let response = try await database.read { try await Self.edition(id, on: $0) }
        guard let response else { throw APIError.notFound("edition") }
        return response.response(selection: selection)
    }

    @Sendable func update(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "edition")
        let input = try await request.decodeInput(as: EditionInput.self)
        let response = try await database.write { db -> EditionResponse? in
            guard let edition = try await EditionQueries.find(id, on: db) else { return nil }
            guard user.isAdmin || edition.createdBy == user.id else {
                throw APIError(.forbidden, code: "forbidden", message: "only the user who added this edition or an administrator may edit it")
            }
            var edited = edition
            try EditionValidation.apply(input, to: &edited)
            guard let saved = try await EditionQueries.update(edited, on: db) else {
                throw APIError(.conflict, code: "isbn_taken", message: "isbn_13: another edition already has this ISBN", field: "isbn_13")
            }
            return EditionResponse(saved, authors: try await AuthorQueries.byWork([saved.workID], on: db)[saved.workID] ?? [])
        }
        guard let response else { throw APIError.notFound("edition") }
        return response.response()
    }

    @Sendable func byISBN(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: EditionResponse.self)
        let text = context.parameters.get("isbn") ?? ""
        let isbn: ISBN
        do { isbn = try ISBN.parse(text) } catch { throw APIError.invalid("isbn", error.message) }
        let response = try await database.read { db in
            try await EditionQueries.findWithAuthors(isbn13: isbn.isbn13, on: db).map(EditionResponse.init)
        }
        guard let response else { throw APIError.notFound("edition with ISBN \(isbn.isbn13)") }
        return response.response(selection: selection)
    }

    /// One edition with its work's authors, or nil; from the process's cache when it holds it.
    public static func edition(_ id: Int64, on db: any SQLDatabase) async throws -> EditionResponse? {
        try await EditionQueries.findWithAuthors(id, on: db).map(EditionResponse.init)
    }
}
