import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import SQLKit
import Testing

extension TestClientProtocol {
    /// Uploads `file` as the body of `POST /v1/me/imports` (with `query`, such as
    /// `format=goodreads`), waits for its job to end, and returns the import as `GET` shows it.
    public func importFile(_ file: ByteBuffer, query: String = "", as user: APIUser, database: Database) async throws -> [String: Any] {
        let (importID, job) = try await startImport(file, query: query, as: user)
        try await waitForJob(job, on: database) { $0.state.isFinished }
        return try await send(.get, "/v1/me/imports/\(importID)", as: user).body.json
    }

    /// Uploads `file` as the body of `POST /v1/me/imports` and returns the import's and its job's ids.
    public func startImport(_ file: ByteBuffer, query: String = "", as user: APIUser) async throws -> (importID: Int64, jobID: Int64) {
        let started = try await execute(
            uri: "/v1/me/imports" + (query.isEmpty ? "" : "?" + query), method: .post,
            headers: [.authorization: "Bearer \(user.token)", .contentType: "text/csv"], body: file)
        guard started.status == .accepted, let job = (started.body.json["job"] as? [String: Any])?.int("id"),
              let importID = started.body.json.int("import_id")
        else { throw TestSetupError("starting an import failed: \(started.status) \(String(buffer: started.body))") }
        return (importID, job)
    }

    /// The import's report lines, all pages, as `GET /v1/me/imports/{id}/rows` gives them.
    public func importRows(_ importID: Int64, result: String? = nil, as user: APIUser) async throws -> [[String: Any]] {
        var lines: [[String: Any]] = []
        var cursor: String?
        repeat {
            var uri = "/v1/me/imports/\(importID)/rows?limit=100"
            if let result { uri += "&result=\(result)" }
            if let cursor { uri += "&cursor=\(cursor)" }
            let page = try await send(.get, uri, as: user).body.json
            lines += page.items
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return lines
    }

    /// A user's statuses (reviews, comments, quotations), newest first, up to 100.
    public func statuses(of user: APIUser) async throws -> [[String: Any]] {
        try await send(.get, "/v1/users/\(user.username)/statuses?limit=100", as: user).body.json.items
    }

    /// The titles on one of `user`'s shelves.
    public func shelfTitles(_ identifier: String, of user: APIUser) async throws -> [String] {
        let shelf = try await shelfID(identifier, of: user)
        let books = try await send(.get, "/v1/shelves/\(shelf)/books?limit=100", as: user).body.json.items
        return books.compactMap { ($0["edition"] as? [String: Any])?["title"] as? String ?? $0["title"] as? String }
    }
}

/// A Goodreads export made up for a test: `rows` books, each with its own ISBN-13, a rating and a
/// date read, titled "`title` 0", "`title` 1" and so on.
public enum GeneratedGoodreadsFile {
    public static func text(rows: Int, title: String) -> String {
        var text = "Book Id,Title,Author,Additional Authors,ISBN,ISBN13,My Rating,Publisher,Number of Pages,Year Published,"
            + "Original Publication Year,Date Read,Date Added,Bookshelves,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count\n"
        for index in 0..<rows {
            let isbn = isbn13(978_100_000_000 + index)
            text += "\(index + 1),\(title) \(index),Ann Author \(index % 50),,=\"\",=\"\(isbn)\",\(index % 5 + 1),,200,2001,,"
                + "2024/01/\(String(format: "%02d", index % 28 + 1)),2023/12/01,,read,,,,1\n"
        }
        return text
    }

    /// The ISBN-13 of a 12-digit prefix, its check digit computed.
    static func isbn13(_ prefix: Int) -> String {
        let digits = String(prefix).compactMap(\.wholeNumberValue)
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return String(prefix) + String((10 - sum % 10) % 10)
    }
}

/// What an import's rows made, counted in the database: an import test checks each row landed
/// once (a report line, a shelving, a rating's status and a read-through a row of
/// `GeneratedGoodreadsFile`, and an edition each in a catalog that had none).
public struct ImportedRows: Sendable {
    public let reportLines: Int64
    public let shelvings: Int64
    public let statuses: Int64
    public let readthroughs: Int64
    public let editions: Int64

    public static func count(importID: Int64, userID: Int64, on database: Database) async throws -> ImportedRows {
        try await database.read { db in
            func count(_ sql: SQLQueryString) async throws -> Int64 {
                try await db.raw(sql).first()?.decode(column: "n", as: Int64.self) ?? 0
            }
            return ImportedRows(
                reportLines: try await count("SELECT count(*) AS n FROM import_rows WHERE import_id = \(bind: importID)"),
                shelvings: try await count("SELECT count(*) AS n FROM shelf_books WHERE user_id = \(bind: userID)"),
                statuses: try await count("SELECT count(*) AS n FROM statuses WHERE user_id = \(bind: userID)"),
                readthroughs: try await count("SELECT count(*) AS n FROM readthroughs WHERE user_id = \(bind: userID)"),
                editions: try await count("SELECT count(*) AS n FROM editions"))
        }
    }

    /// Each of `rows` rows, every one a new book with a rating and a read date, applied exactly
    /// once: a report line, a shelving, a rating's status, a read-through and an edition apiece.
    public func expectEachRowOnce(_ rows: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reportLines == rows, sourceLocation: sourceLocation)
        #expect(shelvings == rows, "one shelving a row", sourceLocation: sourceLocation)
        #expect(statuses == rows, "one rating a row", sourceLocation: sourceLocation)
        #expect(readthroughs == rows, "one read-through a row", sourceLocation: sourceLocation)
        #expect(editions == rows, "one edition a row", sourceLocation: sourceLocation)
    }
}
