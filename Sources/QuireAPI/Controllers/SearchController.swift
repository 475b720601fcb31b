import Foundation
import Hummingbird
import QuireCore
import QuireStore
import SQLKit

/// Catalog search.
///
///     GET /v1/search?q=   editions whose title or authors match every word: whole words first, then
///                         prefixes (`tolk`), each oldest first (see `SearchQueries`)
public struct SearchController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/v1/search", use: search)
    }

    public static let maxQueryLength = 200
    public static let maxTerms = 10

    @Sendable func search(_ request: Request, context: QuireRequestContext) async throws -> Response {
        let selection = try FieldSelection.parse(request, for: EditionResponse.self)
        let page = try request.pageRequest()
        let terms = try Self.terms(request.uri.queryParameters.one("q"))
        var after: (score: Double, id: Int64)?
        if let cursor = page.cursor {
            do {
                after = (Double(bitPattern: UInt64(bitPattern: try cursor.int(0))), try cursor.int(1))
            } catch { throw APIError.invalid("cursor", error.message) }
        }
        let start = after
        let hits = try await database.read { try await Self.search(terms, after: start, limit: page.limit, on: $0) }
        return JSONPage.response(hits, limit: page.limit, selection: selection,
                                 cursor: { Cursor([.int(Int64(bitPattern: $0.score.bitPattern)), .int($0.edition.id)]) }) { hit, w in
            w.beginObject()
            EditionResponse.writeFields(hit.found, to: &w)
            w.endObject()
        }
    }

    /// `limit + 1` editions matching every term, whole words first, each with its work's authors.
    public static func search(
        _ terms: [String], after: (score: Double, id: Int64)?, limit: Int, on db: any SQLDatabase
    ) async throws -> [SearchHit] {
        try await SearchQueries.editions(terms: terms, after: after, limit: limit + 1, on: db)
    }

    /// The words of `q`: letters and digits only, so nothing in it can act as query syntax.
    public static func terms(_ q: String?) throws -> [String] {
        guard let q, !q.trimmingCharacters(in: .whitespaces).isEmpty else { throw APIError.invalid("q", "is required") }
        guard TextRules.length(q) <= maxQueryLength else { throw APIError.invalid("q", "must be at most \(maxQueryLength) characters long") }
        let terms = q.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        guard !terms.isEmpty else { throw APIError.invalid("q", "must contain a letter or digit") }
        return Array(terms.prefix(maxTerms))
    }
}
