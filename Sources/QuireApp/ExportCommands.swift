import Foundation
import QuireExchange
import QuireJobs
import QuireStore

extension Commands {
    /// `quire export USERNAME --format F --out FILE`: the export job's own code, run here. The
    /// file is written beside `out` and renamed onto it when whole, so `out` is never half a file.
    public static func exportAccount(
        _ configuration: QuireConfiguration, username: String, format: ExportFormat, out: String,
        progress: @escaping @Sendable (_ done: Int64, _ total: Int64) -> Void
    ) async throws -> AccountExporter.Written {
        try await withDatabase(configuration) { database in
            guard let user = try await database.read({ try await UserQueries.find(username: username, on: $0) }) else {
                throw ConfigurationError("no user named \(username)")
            }
            let partial = out + ".partial"
            let written = try await AccountExporter(database: database, settings: configuration.exports)
                .write(userID: user.id, format: format, to: partial) { done, total in progress(done, total) }
            let files = FileManager.default
            if files.fileExists(atPath: out) { try files.removeItem(atPath: out) }
            try files.moveItem(atPath: partial, toPath: out)
            return written
        }
    }
}
