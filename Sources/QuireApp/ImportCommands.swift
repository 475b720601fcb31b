import Foundation
import QuireCore
import QuireExchange
import QuireJobs
import QuireStore

extension Commands {
    /// `quire import USERNAME FILE [--format F] [--privacy P]`: the import job's own code, run
    /// here without the queue. The file is copied into the imports folder first, so the import is
    /// listed, its report and failed.csv served, and its failed rows retried through the API like
    /// any other.
    public static func importAccount(
        _ configuration: QuireConfiguration, username: String, file: String, format: ImportFormat?, privacy: StatusPrivacy?,
        progress: @escaping @Sendable (_ done: Int64, _ total: Int64) -> Void
    ) async throws -> AccountImporter.Outcome {
        let settings = configuration.imports
        return try await withDatabase(configuration) { database in
            guard let user = try await database.read({ try await UserQueries.find(username: username, on: $0) }) else {
                throw ConfigurationError("no user named \(username)")
            }
            let format = try format ?? ImportFiles.detect(path: file)
            let header = format == .bookwyrm ? [] : try ImportFiles.open(format, path: file, limits: settings.limits, now: 0).header
            let files = FileManager.default
            try files.createDirectory(atPath: settings.importsFolder, withIntermediateDirectories: true)
            let fileName = "upload-\(UUID().uuidString.lowercased())"
            try files.copyItem(atPath: file, toPath: settings.path(fileName: fileName))
            let size = (try files.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
            let new = ImportQueries.NewImport(
                userID: user.id, format: format.rawValue, privacy: (privacy ?? StatusPrivacy(accountDefault: user.defaultPrivacy)).rawValue,
                fileName: fileName, originalName: (file as NSString).lastPathComponent, size: size, header: header)
            let id = try await database.write { try await ImportQueries.create(new, now: Timestamp.microsecondsNow(), on: $0) }
            return try await AccountImporter(database: database, settings: settings).run(importID: id) { done, total in progress(done, total) }
        }
    }
}
