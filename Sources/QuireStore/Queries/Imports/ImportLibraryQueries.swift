import QuireCore
import QuireExchange
import SQLKit

/// What a reader already has of a batch's editions, so a row that adds nothing is reported as
/// skipped and a second import of the same file writes nothing. Three statements a batch, each
/// from the reader through an index on the user: `shelf_books_user_edition`,
/// `readthroughs_user_edition`, `statuses_user_edition`.
public struct ImportLibrary: Sendable {
    struct Shelving: Hashable { let shelfID: Int64, editionID: Int64 }
    struct Readthrough: Hashable { let editionID: Int64, started: String?, finished: String?, stopped: String? }
    struct Status: Hashable { let editionID: Int64, kind: String, body: String, rating: Int?, quote: String? }

    var shelvings: Set<Shelving> = []
    var readthroughs: Set<Readthrough> = []
    var statuses: Set<Status> = []

    public func has(shelfID: Int64, editionID: Int64) -> Bool { shelvings.contains(Shelving(shelfID: shelfID, editionID: editionID)) }

    public func has(_ r: ImportedReadthrough, editionID: Int64) -> Bool {
        readthroughs.contains(Readthrough(editionID: editionID, started: r.startedOn, finished: r.finishedOn, stopped: r.stoppedOn))
    }

    public func has(_ s: ExchangeStatus, editionID: Int64) -> Bool {
        statuses.contains(Status(editionID: editionID, kind: s.kind.rawValue, body: s.body, rating: s.rating, quote: s.quote))
    }

    public mutating func note(shelfID: Int64, editionID: Int64) { shelvings.insert(Shelving(shelfID: shelfID, editionID: editionID)) }

    public mutating func forget(shelfID: Int64, editionID: Int64) { shelvings.remove(Shelving(shelfID: shelfID, editionID: editionID)) }

    public mutating func note(_ r: ImportedReadthrough, editionID: Int64) {
        readthroughs.insert(Readthrough(editionID: editionID, started: r.startedOn, finished: r.finishedOn, stopped: r.stoppedOn))
    }

    public mutating func note(_ s: ExchangeStatus, editionID: Int64) {
        statuses.insert(Status(editionID: editionID, kind: s.kind.rawValue, body: s.body, rating: s.rating, quote: s.quote))
    }
}

public enum ImportLibraryQueries {
    public static func library(userID: Int64, editionIDs: Set<Int64>, on db: any SQLDatabase) async throws -> ImportLibrary {
        var library = ImportLibrary()
        guard !editionIDs.isEmpty else { return library }
        let ids = Array(editionIDs)
        for row in try await db.raw("""
            SELECT shelf_id, edition_id FROM shelf_books WHERE user_id = \(bind: userID) AND edition_id IN (\(binds: ids))
            """).all() {
            library.shelvings.insert(.init(shelfID: try row.decode(column: "shelf_id", as: Int64.self),
                                           editionID: try row.decode(column: "edition_id", as: Int64.self)))
        }
        for row in try await db.raw("""
            SELECT edition_id, started_on, finished_on, stopped_on FROM readthroughs
            WHERE user_id = \(bind: userID) AND edition_id IN (\(binds: ids))
            """).all() {
            library.readthroughs.insert(.init(
                editionID: try row.decode(column: "edition_id", as: Int64.self),
                started: try row.decode(column: "started_on", as: String?.self),
                finished: try row.decode(column: "finished_on", as: String?.self),
                stopped: try row.decode(column: "stopped_on", as: String?.self)))
        }
        for row in try await db.raw("""
            SELECT edition_id, kind, body, rating, quote FROM statuses
            WHERE user_id = \(bind: userID) AND edition_id IN (\(binds: ids)) AND kind IN ('review', 'comment', 'quotation')
            """).all() {
            library.statuses.insert(.init(
                editionID: try row.decode(column: "edition_id", as: Int64.self),
                kind: try row.decode(column: "kind", as: String.self), body: try row.decode(column: "body", as: String.self),
                rating: try row.decode(column: "rating", as: Int?.self), quote: try row.decode(column: "quote", as: String?.self)))
        }
        return library
    }
}
