import Foundation
import Hummingbird
import QuireCore
import QuireStore

/// Read-throughs: when a user started, finished or stopped reading an edition, and how far they got.
///
///     GET    /v1/editions/{id}/readthroughs   the signed-in user's read-throughs of the edition
///     POST   /v1/editions/{id}/readthroughs   record one
///     PATCH  /v1/readthroughs/{id}            change it
///     DELETE /v1/readthroughs/{id}            remove it
public struct ReadthroughsController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/editions/{id}/readthroughs", use: list)
        router.post("/v1/editions/{id}/readthroughs", use: create)
        router.patch("/v1/readthroughs/{id}", use: update)
        router.delete("/v1/readthroughs/{id}", use: delete)
    }

    struct Input: Decodable {
        let startedOn: String?
        let finishedOn: String?
        let stoppedOn: String?
        let progress: Int?
        let progressMode: String?
    }

    struct ReadthroughResponse: FieldSelectable {
        let id: Int64
        let editionId: Int64
        let startedOn: String?
        let finishedOn: String?
        let stoppedOn: String?
        let progress: Int?
        let progressMode: String
        let updatedAt: Date

        static let fieldNames = ["id", "edition_id", "started_on", "finished_on", "stopped_on", "progress", "progress_mode", "updated_at"]

        init(_ r: ReadthroughRecord) {
            id = r.id
            editionId = r.editionID
            startedOn = r.startedOn
            finishedOn = r.finishedOn
            stoppedOn = r.stoppedOn
            progress = r.progress
            progressMode = r.progressMode
            updatedAt = Timestamp.date(microseconds: r.updatedAt)
        }
    }

    @Sendable func list(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let selection = try FieldSelection.parse(request, for: ReadthroughResponse.self)
        let page = try request.pageRequest()
        let before = try page.afterID()
        let editionID = try request.id("id", context: context, what: "edition")
        let rows = try await database.read {
            try await ReadthroughQueries.list(userID: user.id, editionID: editionID, before: before, limit: page.limit + 1, on: $0)
        }
        return try JSONBody.response(Page(rows: rows, limit: page.limit, cursor: { Cursor([.int($0.id)]) }, item: ReadthroughResponse.init),
                                     selection: selection, itemsKey: "items")
    }

    @Sendable func create(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let editionID = try request.id("id", context: context, what: "edition")
        let input = try await request.decodeInput(as: Input.self)
        var readthrough = ReadthroughRecord(userID: user.id, editionID: editionID)
        try Self.apply(input, to: &readthrough)
        let record = readthrough
        let created = try await database.write { db -> ReadthroughRecord? in
            guard try await EditionQueries.find(editionID, on: db) != nil else { return nil }
            return try await ReadthroughQueries.create(record, on: db)
        }
        guard let created else { throw APIError.notFound("edition") }
        return try JSONBody.response(ReadthroughResponse(created), status: .created)
    }

    @Sendable func update(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "read-through")
        let input = try await request.decodeInput(as: Input.self)
        let updated = try await database.write { db -> ReadthroughRecord? in
            guard var readthrough = try await ReadthroughQueries.find(id, on: db), readthrough.userID == user.id else { return nil }
            try Self.apply(input, to: &readthrough)
            return try await ReadthroughQueries.update(readthrough, on: db)
        }
        guard let updated else { throw APIError.notFound("read-through") }
        return try JSONBody.response(ReadthroughResponse(updated))
    }

    @Sendable func delete(_ request: Request, context: QuireRequestContext) async throws -> HTTPResponse.Status {
        let user = try context.requireUser()
        let id = try request.id("id", context: context, what: "read-through")
        let deleted = try await database.write { db -> Bool in
            guard let readthrough = try await ReadthroughQueries.find(id, on: db), readthrough.userID == user.id else { return false }
            try await ReadthroughQueries.delete(id, on: db)
            return true
        }
        guard deleted else { throw APIError.notFound("read-through") }
        return .noContent
    }

    /// Dates are calendar days (YYYY-MM-DD); an empty string clears one. Progress is pages
    /// (at most 100000) or a percentage (at most 100).
    static func apply(_ input: Input, to r: inout ReadthroughRecord) throws {
        func day(_ value: String?, _ field: String, _ current: String?) throws -> String? {
            guard let value else { return current }
            if value.isEmpty { return nil }
            guard value.count == 10, EditionValidation.isPartialDate(value) else { throw APIError.invalid(field, "must be a date as YYYY-MM-DD") }
            return value
        }
        r.startedOn = try day(input.startedOn, "started_on", r.startedOn)
        r.finishedOn = try day(input.finishedOn, "finished_on", r.finishedOn)
        r.stoppedOn = try day(input.stoppedOn, "stopped_on", r.stoppedOn)
        if let mode = input.progressMode {
            guard ["pages", "percent"].contains(mode) else { throw APIError.invalid("progress_mode", "must be pages or percent") }
            r.progressMode = mode
        }
        if let progress = input.progress {
            let limit = r.progressMode == "percent" ? 100 : 100_000
            guard (0...limit).contains(progress) else { throw APIError.invalid("progress", "must be from 0 to \(limit) \(r.progressMode)") }
            r.progress = progress
        }
        if let start = r.startedOn, let end = r.finishedOn ?? r.stoppedOn, end < start {
            throw APIError.invalid(r.finishedOn != nil ? "finished_on" : "stopped_on", "must not be before started_on")
        }
    }
}
