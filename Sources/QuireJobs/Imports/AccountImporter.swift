import Foundation
import QuireCore
import QuireExchange
import QuireStore
import SQLKit

/// Runs one import pass: the job and `quire import` both run this. The file is read a row at a
/// time and written `batchSize` rows a transaction (`ImportBatch`), each transaction moving the
/// import's cursor with its rows, so a pass that dies resumes after the last committed batch and
/// no row lands twice; memory holds one batch whatever the file's size (lessons 1 and 2). A
/// retry pass reads the file again and writes only the rows that failed.
public struct AccountImporter: Sendable {
    public let database: Database
    public let settings: ImportSettings

    public init(database: Database, settings: ImportSettings) {
        self.database = database
        self.settings = settings
    }

    /// What the pass left: the import's counts.
    public struct Outcome: Sendable, Encodable {
        public let importId: Int64
        public let rows: Int64
        public let matched: Int64
        public let created: Int64
        public let skipped: Int64
        public let failed: Int64
    }

    /// `progress` is called after each batch with rows done and the file's rows, and may throw to
    /// stop (a cancelled job).
    public func run(
        importID: Int64, progress: @Sendable (_ done: Int64, _ total: Int64) async throws -> Void
    ) async throws -> Outcome {
        guard let record = try await database.read({ try await ImportQueries.find(importID, on: $0) }) else {
            throw ImportError.noSuchImport(importID)
        }
        guard let format = ImportFormat(rawValue: record.format) else { throw ImportError.unknownFormat(record.format) }
        let path = settings.path(fileName: record.fileName)
        let now = Timestamp.microsecondsNow()
        // The rows are counted first (a read of the file that keeps nothing), so progress has a total.
        let total = try Self.countRows(try ImportFiles.open(format, path: path, limits: settings.limits, now: now))
        let userID = record.userID
        guard let user = try await database.read({ try await UserQueries.find(ids: [userID], on: $0)[userID] }) else {
            throw ImportError.noSuchUser(userID)
        }
        let batch = ImportBatch(
            importID: importID, userID: userID, privacy: StatusPrivacy(rawValue: record.privacy) ?? .followers,
            shelfPrivacy: user.defaultPrivacy, retrying: record.retrying)
        var shelves = try await database.read { try await ImportShelves.load(userID: userID, on: $0) }
        let reader = try ImportFiles.open(format, path: path, limits: settings.limits, now: now)
        if record.header.isEmpty, !reader.header.isEmpty {
            let header = reader.header
            try await database.write { try await ImportQueries.setHeader(importID, header, on: $0) }
        }
        var pending: [ImportRow] = []
        pending.reserveCapacity(settings.batchSize)
        var done = record.rowsDone
        func write(_ rows: [ImportRow]) async throws {
            guard let last = rows.last else { return }
            let (current, after, rowsDone) = (shelves, done, Int64(last.number))
            shelves = try await database.bulkWrite { try await batch.write(rows, after: after, rowsDone: rowsDone, shelves: current, on: $0) }
            done = rowsDone
        }
        // A batch the database refuses (a value or a constraint no rule here foresaw) is written
        // again a row at a time, so the row it refuses fails with its words and the others land;
        // before, the whole import failed, three times, with the database's error as its only
        // explanation. Rare, so the cost of a transaction a row is paid only then.
        func flush() async throws {
            do {
                try await write(pending)
            } catch let error where DataRefusal.reason(error) != nil {
                for row in pending {
                    do {
                        try await write([row])
                    } catch let error {
                        guard let reason = DataRefusal.reason(error) else { throw error }
                        database.logger.warning("the database refused an import's row", metadata: [
                            "import": "\(importID)", "row": "\(row.number)", "error": "\(String(reflecting: error))"])
                        let after = done
                        try await database.bulkWrite { try await batch.refuse(row, reason: reason, after: after, on: $0) }
                        done = Int64(row.number)
                    }
                }
            }
            pending.removeAll(keepingCapacity: true)
            try await progress(done, total)
        }
        while let row = try reader.next() {
            guard Int64(row.number) > record.rowsDone else { continue }
            pending.append(row)
            if pending.count >= settings.batchSize { try await flush() }
        }
        try await flush()
        var unresolved: String?
        if let account = reader.account {
            let restore = ImportAccountRestore(userID: userID, publicURL: settings.publicURL, fanoutLimit: settings.fanoutLimit)
            unresolved = try await database.write { try await restore.restore(account, on: $0) }
        }
        let people = unresolved
        let finished = try await database.write { db in
            try await ImportQueries.finish(importID, unresolved: people, now: Timestamp.microsecondsNow(), on: db)
            return try await ImportQueries.find(importID, on: db)
        }
        guard let finished else { throw ImportError.noSuchImport(importID) }
        return Outcome(importId: importID, rows: total, matched: finished.matched, created: finished.created,
                       skipped: finished.skipped, failed: finished.failed)
    }

    static func countRows(_ reader: any ImportReader) throws -> Int64 {
        Int64(try reader.countRemaining())
    }
}

public enum ImportError: Error, CustomStringConvertible {
    case noSuchImport(Int64)
    case noSuchUser(Int64)
    case unknownFormat(String)

    public var description: String {
        switch self {
        case let .noSuchImport(id): "import \(id) no longer exists"
        case let .noSuchUser(id): "user \(id) no longer exists"
        case let .unknownFormat(format): "unknown import format \(format)"
        }
    }
}

/// Another pass over the same import moved its cursor while this one ran: an attempt that lost
/// its job to a rescue (its worker stalled past the rescue interval) still running beside the
/// attempt that took over. Its batch wrote nothing; the other pass goes on. Not an `ImportError`,
/// which the job treats as permanent: if this pass is still the job's, a retry resumes it.
public struct ImportMovedOn: Error, CustomStringConvertible {
    public let importID: Int64
    public let expected: Int64
    public let found: Int64

    public var description: String {
        "another pass moved import \(importID) on: its cursor is at row \(found), this pass's at \(expected)"
    }
}
