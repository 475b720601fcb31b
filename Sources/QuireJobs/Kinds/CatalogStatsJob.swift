import Foundation
import QuireStore

/// `catalog.stats`: recounts every work's statistics (readers, readers on each default shelf,
/// each reader's latest rating as a histogram by half star), then every author's (works,
/// editions, readers, ratings), into `work_stats` and `author_stats` (what counts and why:
/// `CatalogStatsQueries`).
///
/// Flat memory by construction (issue 15, lesson 2): keyset batches of `batch_size` works or
/// authors; each batch's statements aggregate in the database and return a few rows a work, one
/// record a work is kept for the batch only, and the batch is written (one upsert) with the
/// job's cursor in one transaction before the next is read. A retried attempt (after a crash,
/// a rescue or `quire jobs retry`) goes on after the last committed batch.
public enum CatalogStatsJob {
    public static let name = "catalog.stats"

    struct Arguments: Decodable {
        var batchSize: Int?
        var pauseMs: Int?
    }

    struct Result: Encodable {
        let works: Int64
        let authors: Int64
        /// Rows done by earlier attempts of this job, when it resumed.
        let resumedAfter: Int64?
    }

    static let worksPhase = "works", authorsPhase = "authors"

    public static let kind = JobKind(name, maxAttempts: 3, backoffBase: .seconds(30), timeLimit: .seconds(6 * 3600)) { context in
        // No StatementRecorder here (an export's result has its statements): it keeps every
        // statement it sees, which over a night's thousands of batches is memory growing with the run.
        String(decoding: try JSONEncoder.snakeCase.encode(try await run(context)), as: UTF8.self)
    }

    static func run(_ context: JobContext) async throws -> Result {
        let arguments = try context.arguments(Arguments.self)
        let batchSize = min(max(arguments.batchSize ?? 500, 1), 5_000)
        let pause = min(max(arguments.pauseMs ?? 0, 0), 1_000)
        let database = context.database
        var (cursor, resumed) = try await CatalogBatches.start(context, kind: name, firstPhase: worksPhase)
        let resumedAfter = resumed ? cursor.done : nil
        let works = try await CatalogBatches.count("works", context)
        let total = try await works + CatalogBatches.count("authors", context)
        while true {
            try context.checkpoint()
            let (phase, after) = (cursor.phase, cursor.afterID)
            let table: CatalogStatsQueries.CatalogTable = phase == worksPhase ? .works : .authors
            let ids = try await database.bulkRead { try await CatalogStatsQueries.nextIDs(table, after: after, limit: batchSize, on: $0) }
            guard let last = ids.last else {
                guard phase == worksPhase else { break }
                cursor = JobCursor(phase: authorsPhase, afterID: 0, done: cursor.done)
                continue
            }
            let now = Timestamp.microsecondsNow()
            let next = JobCursor(phase: phase, afterID: last, done: cursor.done + Int64(ids.count))
            let jobID = context.job.id
            if phase == worksPhase {
                let stats = try await database.bulkRead { try await CatalogStatsQueries.workStats(ids, after: after, now: now, on: $0) }
                try await database.bulkWrite { db in
                    try await CatalogStatsQueries.save(stats, on: db)
                    try await JobCursorQueries.save(kind: name, jobID: jobID, next, now: now, on: db)
                }
            } else {
                let stats = try await database.bulkRead { try await CatalogStatsQueries.authorStats(ids, after: after, now: now, on: $0) }
                try await database.bulkWrite { db in
                    try await CatalogStatsQueries.save(stats, on: db)
                    try await JobCursorQueries.save(kind: name, jobID: jobID, next, now: now, on: db)
                }
            }
            cursor = next
            try await context.progress(cursor.done, of: max(total, cursor.done), phase)
            try await CatalogBatches.betweenBatches(pauseMs: pause)
        }
        return Result(works: works, authors: total - works, resumedAfter: resumedAfter)
    }
}
