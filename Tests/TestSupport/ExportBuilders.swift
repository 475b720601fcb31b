import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore

/// A folder of its own for a test's files, removed by the caller.
public func temporaryFolder() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension TestClientProtocol {
    /// The id of one of `user`'s shelves by identifier (`to-read`, `read`, a custom slug).
    public func shelfID(_ identifier: String, of user: APIUser) async throws -> Int64 {
        let shelves = try await send(.get, "/v1/users/\(user.username)/shelves?limit=100", as: user).body.json.items
        guard let id = shelves.first(where: { $0["identifier"] as? String == identifier })?.int("id") else {
            throw TestSetupError("\(user.username) has no shelf \(identifier)")
        }
        return id
    }

    /// Puts an edition on a shelf; fails the setup unless it worked.
    public func shelve(_ editionID: Int64, on shelfID: Int64, as user: APIUser) async throws {
        let response = try await send(.put, "/v1/shelves/\(shelfID)/books/\(editionID)", as: user)
        guard response.status.code < 300 else { throw TestSetupError("shelving failed: \(response.status) \(String(buffer: response.body))") }
    }

    /// Asks for an export in `format`, waits for its job to end, and returns the export's listing
    /// entry and the downloaded file (nil unless it is ready).
    public func export(_ format: String, as user: APIUser, database: Database) async throws -> (export: [String: Any], file: ByteBuffer?) {
        let started = try await send(.post, "/v1/me/exports", as: user, json: ["format": format])
        guard started.status == .accepted, let job = (started.body.json["job"] as? [String: Any])?.int("id"),
              let exportID = started.body.json.int("export_id")
        else { throw TestSetupError("starting an export failed: \(started.status) \(String(buffer: started.body))") }
        try await waitForJob(job, on: database) { $0.state.isFinished }
        let listed = try await send(.get, "/v1/me/exports?limit=100", as: user).body.json.items
        guard let export = listed.first(where: { $0.int("id") == exportID }) else { throw TestSetupError("export \(exportID) is not listed") }
        guard export["state"] as? String == "ready" else { return (export, nil) }
        let download = try await send(.get, "/v1/me/exports/\(exportID)/download", as: user)
        guard download.status == .ok else { throw TestSetupError("download failed: \(download.status)") }
        return (export, download.body)
    }
}
