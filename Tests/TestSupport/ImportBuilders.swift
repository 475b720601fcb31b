import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore

extension TestClientProtocol {
    /// Uploads `file` as the body of `POST /v1/me/imports` (with `query`, such as
    /// `format=goodreads`), waits for its job to end, and returns the import as `GET` shows it.
    public func importFile(_ file: ByteBuffer, query: String = "", as user: APIUser, database: Database) async throws -> [String: Any] {
        let started = try await execute(
            uri: "/v1/me/imports" + (query.isEmpty ? "" : "?" + query), method: .post,
            headers: [.authorization: "Bearer \(user.token)", .contentType: "text/csv"], body: file)
        guard started.status == .accepted, let job = (started.body.json["job"] as? [String: Any])?.int("id"),
              let importID = started.body.json.int("import_id")
        else { throw TestSetupError("starting an import failed: \(started.status) \(String(buffer: started.body))") }
        try await waitForJob(job, on: database) { $0.state.isFinished }
        return try await send(.get, "/v1/me/imports/\(importID)", as: user).body.json
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
