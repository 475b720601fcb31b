import Foundation
import QuireExchange
import QuireStore
import SQLKit

/// Writes one reader's export file: the job and `quire export` both run this. It reads the
/// reader's books in keyset batches of `batchSize` (eight statements a batch whatever it holds)
/// and hands each batch to the format's writer, which encodes it to disk before the next is
/// read, so memory stays flat however large the account (lessons 1 and 2). An export of more than
/// one batch reads through `Database.bulkRead`: on SQLite a connection of its own, without mmap,
/// so it neither maps the pages it passes over into the process nor takes readers from requests.
public struct AccountExporter: Sendable {
    public let database: Database
    public let settings: ExportSettings

    public init(database: Database, settings: ExportSettings) {
        self.database = database
        self.settings = settings
    }

    /// What an export wrote.
    public struct Written: Sendable {
        public let books: Int64
        public let size: Int64
    }

    /// Writes the export of `userID` in `format` to `path` (whole when this returns; on a throw,
    /// nothing is left at `path`). `progress` is called after each batch with books done and the
    /// total, and may throw to stop (a cancelled job).
    public func write(
        userID: Int64, format: ExportFormat, to path: String,
        progress: @Sendable (_ done: Int64, _ total: Int64) async throws -> Void
    ) async throws -> Written {
        // The account, its book count and its shelves, read once for the whole export.
        let start = try await database.read { db -> (ExchangeProfile, Int64, [Int64: AccountExportQueries.ExportShelf])? in
            guard let (profile, books) = try await AccountExportQueries.profile(userID: userID, on: db) else { return nil }
            return (profile, books, try await AccountExportQueries.shelves(userID: userID, on: db))
        }
        guard let (profile, total, shelves) = start else { throw ExportError.noSuchUser(userID) }
        // An export of one batch reads a few pages, cheapest through a request reader's mmap (on
        // SQLite the bulk connection's pread into its small cache cost a 1-book export about a
        // millisecond more on a 1,000,000-edition catalog); a longer one passes over enough pages
        // that mapping them all would swell the process, so it reads through the bulk connection.
        let bulk = total > Int64(settings.batchSize)
        func reading<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
            bulk ? try await database.bulkRead(body) : try await database.read(body)
        }
        let writer = try makeExportWriter(format, path: path, publicURL: settings.publicURL)
        do {
            try writer.begin(profile: profile)
            var done: Int64 = 0
            var after: Int64 = 0
            while true {
                let cursor = after
                let books = try await reading { db in
                    let ids = try await AccountExportQueries.editionIDs(userID: userID, after: cursor, limit: settings.batchSize, on: db)
                    return try await AccountExportQueries.books(userID: userID, editionIDs: ids, shelves: shelves, on: db)
                }
                guard let last = books.last else { break }
                try writer.append(books: books)
                after = last.edition.id
                done += Int64(books.count)
                let isLast = books.count < settings.batchSize
                // An export of one batch reports no progress: its end, which the job records
                // anyway, says everything, and a progress write was a sixth of its statements.
                if !isLast || done > Int64(books.count) { try await progress(done, max(total, done)) }
                if isLast { break }
            }
            let limit = settings.peopleBatchSize
            if format.carriesPeople {
                try await forEachBatch(limit: limit, read: { after in
                    try await reading { try await AccountExportQueries.follows(userID: userID, after: after, limit: limit, on: $0) }
                }) { try writer.append(follows: $0) }
                try await forEachBatch(limit: limit, read: { after in
                    try await reading { try await AccountExportQueries.blocks(userID: userID, after: after, limit: limit, on: $0) }
                }) { try writer.append(blocks: $0) }
            }
            try writer.finish()
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return Written(books: done, size: size)
        } catch {
            writer.discard()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Reads people (follows or blocks) in keyset batches and hands each batch's usernames on.
    private func forEachBatch(
        limit: Int, read: (_ after: Int64) async throws -> [(id: Int64, username: String)], _ body: ([String]) throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let people = try await read(after)
            guard let last = people.last else { return }
            try body(people.map(\.username))
            after = last.id
            if people.count < limit { return }
        }
    }
}

public enum ExportError: Error, CustomStringConvertible {
    case noSuchUser(Int64)

    public var description: String {
        switch self {
        case .noSuchUser(let id): "user \(id) no longer exists"
        }
    }
}
