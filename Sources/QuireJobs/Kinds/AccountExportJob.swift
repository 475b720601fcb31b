import Foundation
import QuireCore
import QuireExchange
import QuireStore

/// `account.export`: writes one export file (`export_id` names the row the API made with the
/// job). An attempt writes into a work folder of its own, emptied first, and renames the whole
/// file into place before recording it, so a crash or a cancellation mid-export leaves nothing
/// listed or served, and the retry starts clean.
public enum AccountExportJob {
    public static let name = "account.export"

    struct Arguments: Decodable {
        var exportId: Int64
    }

    /// What the job reports: the file, and what writing it cost (its statements and time), so
    /// the cost of an export is visible beside it (scripts/bench-export reads these).
    struct Result: Encodable {
        let exportId: Int64
        let books: Int64
        let size: Int64
        let statements: Int
        let milliseconds: Double
    }

    public static func kind(_ settings: ExportSettings) -> JobKind {
        JobKind(name, maxAttempts: 3, backoffBase: .seconds(5), timeLimit: settings.timeLimit) { context in
            let id = try context.arguments(Arguments.self).exportId
            let started = ContinuousClock.now
            let (written, recorder) = try await StatementRecorder.recording {
                try await export(id, settings: settings, context: context)
            }
            let elapsed = started.duration(to: .now)
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let result = Result(exportId: id, books: written.books, size: written.size, statements: recorder.count, milliseconds: milliseconds)
            return String(decoding: try JSONEncoder.snakeCase.encode(result), as: UTF8.self)
        }
    }

    static func export(_ id: Int64, settings: ExportSettings, context: JobContext) async throws -> AccountExporter.Written {
        guard let export = try await context.database.read({ try await ExportQueries.find(id, on: $0) }) else {
            throw PermanentJobError("export \(id) no longer exists")
        }
        guard let format = ExportFormat(rawValue: export.format) else {
            throw PermanentJobError("export \(id) has an unknown format \(export.format)")
        }
        let files = FileManager.default
        let work = settings.workFolder(exportID: id)
        try? files.removeItem(atPath: work)
        try files.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? files.removeItem(atPath: work) }
        let fileName = "export-\(id).\(format.fileExtension)"
        let partial = (work as NSString).appendingPathComponent(fileName)
        let written = try await AccountExporter(database: context.database, settings: settings)
            .write(userID: export.userID, format: format, to: partial) { done, total in
                try context.checkpoint()
                try await context.progress(done, of: total, "books")
            }
        try context.checkpoint()
        let final = settings.path(fileName: fileName)
        try? files.removeItem(atPath: final)
        try files.moveItem(atPath: partial, toPath: final)
        let now = Timestamp.microsecondsNow()
        try await context.database.write {
            try await ExportQueries.finish(
                id, fileName: fileName, size: written.size, books: written.books, now: now,
                expiresAt: now + settings.ttl.microseconds, on: $0)
        }
        return written
    }
}

/// `exports.prune`: removes export files past their time and marks them expired, in batches;
/// also removes work folders left by attempts that crashed and were never retried.
public enum ExportsPruneJob {
    public static let name = "exports.prune"

    public static func kind(_ settings: ExportSettings) -> JobKind {
        JobKind(name, maxAttempts: 3, timeLimit: .seconds(3600)) { context in
            var removed = 0
            while true {
                try context.checkpoint()
                let now = Timestamp.microsecondsNow()
                let expired = try await context.database.read { try await ExportQueries.expired(now: now, limit: 500, on: $0) }
                guard !expired.isEmpty else { break }
                for file in expired { try? FileManager.default.removeItem(atPath: settings.path(fileName: file.fileName)) }
                try await context.database.write { try await ExportQueries.markExpired(ids: expired.map(\.id), now: now, on: $0) }
                removed += expired.count
                try await context.progress(Int64(removed), of: nil, "expired exports removed")
            }
            removeAbandonedWorkFolders(settings)
            return "{\"removed\":\(removed)}"
        }
    }

    /// A work folder older than the export time limit belongs to no running attempt.
    static func removeAbandonedWorkFolders(_ settings: ExportSettings) {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: settings.exportsFolder) else { return }
        let cutoff = Date().addingTimeInterval(-Double(settings.timeLimit.components.seconds) - 60)
        for name in names where name.hasPrefix("partial-") {
            let path = settings.path(fileName: name)
            if let modified = try? files.attributesOfItem(atPath: path)[.modificationDate] as? Date, modified < cutoff {
                try? files.removeItem(atPath: path)
            }
        }
    }
}

extension JobRegistry {
    /// Every kind Quire's workers run, with the export and import kinds set up for this
    /// server's files (imports by default in the exports' data folder, with default limits).
    public static func standard(exports settings: ExportSettings, imports: ImportSettings? = nil) -> JobRegistry {
        let imports = imports ?? ImportSettings(dataDirectory: settings.dataDirectory, publicURL: settings.publicURL)
        var registry = JobRegistry.standard
        registry.register(AccountExportJob.kind(settings))
        registry.register(ExportsPruneJob.kind(settings))
        registry.register(AccountImportJob.kind(imports))
        return registry
    }
}
