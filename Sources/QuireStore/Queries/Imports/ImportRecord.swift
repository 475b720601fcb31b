import Foundation
import SQLKit

/// An account import: the file, who sees its statuses, its job, and what happened to its rows so
/// far. The counts move in the transaction that writes a batch of rows, never counted on read.
public struct ImportRecord: Sendable, Equatable {
    public let id: Int64
    public let userID: Int64
    public let format: String
    /// The privacy of imported statuses when the file gives none.
    public let privacy: String
    public let jobID: Int64
    /// The stored upload, relative to the imports folder.
    public let fileName: String
    public let originalName: String?
    public let size: Int64
    /// The file's columns, for failed.csv.
    public let header: [String]
    /// The last row committed: the job resumes after it.
    public let rowsDone: Int64
    public let matched: Int64
    public let created: Int64
    public let skipped: Int64
    public let failed: Int64
    /// Whether the running pass retries the failed rows only.
    public let retrying: Bool
    /// Follows and blocks of the archive that name no account here, as `{"kind", "url"}` objects.
    public let unresolved: String?
    public let createdAt: Int64
    public let finishedAt: Int64?
    /// The job's state and progress, read in the same statement; nil for an import `quire import`
    /// ran without the queue.
    public let jobState: JobState?
    public let progressTotal: Int64?

    static let columns = """
        i.id, i.user_id, i.format, i.privacy, i.job_id, i.file_name, i.original_name, i.size, i.header, i.rows_done, i.matched, \
        i.created, i.skipped, i.failed, i.retrying, i.unresolved, i.created_at, i.finished_at, j.state, j.progress_total
        """

    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        userID = try row.decode(column: "user_id", as: Int64.self)
        format = try row.decode(column: "format", as: String.self)
        privacy = try row.decode(column: "privacy", as: String.self)
        jobID = try row.decode(column: "job_id", as: Int64.self)
        fileName = try row.decode(column: "file_name", as: String.self)
        originalName = try row.decode(column: "original_name", as: String?.self)
        size = try row.decode(column: "size", as: Int64.self)
        header = JSONList.decode(try row.decode(column: "header", as: String?.self))
        rowsDone = try row.decode(column: "rows_done", as: Int64.self)
        matched = try row.decode(column: "matched", as: Int64.self)
        created = try row.decode(column: "created", as: Int64.self)
        skipped = try row.decode(column: "skipped", as: Int64.self)
        failed = try row.decode(column: "failed", as: Int64.self)
        retrying = try row.decode(column: "retrying", as: Bool.self)
        unresolved = try row.decode(column: "unresolved", as: String?.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        finishedAt = try row.decode(column: "finished_at", as: Int64?.self)
        jobState = try row.decode(column: "state", as: String?.self).map { JobState(rawValue: $0) ?? .failed }
        progressTotal = try row.decode(column: "progress_total", as: Int64?.self)
    }

    /// What a reader sees: waiting, running, finished, failed or cancelled.
    public var state: String {
        switch jobState {
        case nil: finishedAt == nil ? "running" : "finished"
        case .queued, .scheduled, .failed: "waiting"
        case .running: "running"
        case .succeeded: "finished"
        case .discarded: "failed"
        case .cancelled: "cancelled"
        }
    }

    /// Whether no pass is waiting or running, so a retry may start.
    public var isSettled: Bool {
        switch jobState {
        case nil: finishedAt != nil
        case .succeeded, .discarded, .cancelled: true
        case .queued, .scheduled, .failed, .running: false
        }
    }

    /// Rows with a report line.
    public var rowsReported: Int64 { matched + created + skipped + failed }
}

/// What happened to one row of an import.
public enum ImportRowResult: String, Sendable, CaseIterable, Codable {
    /// An edition already in the catalog, with something of the row's added.
    case matched
    /// No edition matched: the work, edition and authors were made.
    case created
    /// Everything the row holds was already there.
    case skipped
    case failed
}

/// One report line.
public struct ImportRowRecord: Sendable, Equatable {
    public let number: Int64
    public let result: ImportRowResult
    public let editionID: Int64?
    public let reason: String?
    /// A failed row's cells as they were in the file.
    public let cells: [String]

    public init(number: Int64, result: ImportRowResult, editionID: Int64?, reason: String?, cells: [String]) {
        self.number = number
        self.result = result
        self.editionID = editionID
        self.reason = reason
        self.cells = cells
    }

    init(row: any SQLRow) throws {
        number = try row.decode(column: "row_number", as: Int64.self)
        result = ImportRowResult(rawValue: try row.decode(column: "result", as: String.self)) ?? .failed
        editionID = try row.decode(column: "edition_id", as: Int64?.self)
        reason = try row.decode(column: "reason", as: String?.self)
        cells = JSONList.decode(try row.decode(column: "cells", as: String?.self))
    }
}
