import Foundation
import QuireStore

/// `catalog.similar`: for each work, the 10 works most often shelved by the same readers ("readers
/// also shelved"), most shared readers first, ties by the lower work id, into `work_similar`.
///
/// The bound that keeps a run linear: a work with a huge readership would otherwise pair each of
/// its readers with everything they shelved, and the run would grow with the square of the
/// biggest readerships. So for each work at most `readers_per_work` (K, default 100) readers are
/// sampled, the K who shelved it most recently, and for each sampled reader at most
/// `works_per_reader` (L, default 50) of their works count, the L they shelved most recently:
/// a work costs at most K * L pair counts, a run at most works * K * L, whatever the graph.
/// Recency is deterministic (shelving ids are unique), so a run and its rerun agree, and it
/// samples current taste rather than the oldest accounts. Where no work has more than K readers
/// and no reader more than L works, the lists are exact: the brute-force test holds them to that.
///
/// Memory: the counts of the work being counted in a table sized by the most distinct works one
/// work touched (at most K * L: about 240 kB at the defaults, whatever the catalog's size;
/// `CoShelvingCounter`), the top 10 in a bounded heap, and per batch of `batch_size` works
/// (default 100) at most batch * K sampled pairs and batch * K * L reader-work pairs (16 bytes
/// each: 8 MB at the defaults in the worst case, a few kilobytes on a typical batch). Each
/// batch's lists are written with the job's cursor in one transaction, and a retried attempt
/// goes on after the last committed batch.
public enum CatalogSimilarJob {
    public static let name = "catalog.similar"
    static let listLength = 10
    /// Readers a statement asks about at once (bound parameters stay far below both engines' limits).
    static let readersPerStatement = 500

    struct Arguments: Decodable {
        var batchSize: Int?
        var readersPerWork: Int?
        var worksPerReader: Int?
        var pauseMs: Int?
    }

    struct Result: Encodable {
        let works: Int64
        let pairs: Int64
        let resumedAfter: Int64?
    }

    public static let kind = JobKind(name, maxAttempts: 3, backoffBase: .seconds(30), timeLimit: .seconds(6 * 3600)) { context in
        // No StatementRecorder here (an export's result has its statements): it keeps every
        // statement it sees, which over a night's thousands of batches is memory growing with the run.
        String(decoding: try JSONEncoder.snakeCase.encode(try await run(context)), as: UTF8.self)
    }

    static func run(_ context: JobContext) async throws -> Result {
        let arguments = try context.arguments(Arguments.self)
        let bounds = Bounds(
            batch: min(max(arguments.batchSize ?? 100, 1), 1_000),
            readersPerWork: min(max(arguments.readersPerWork ?? 100, 1), 10_000),
            worksPerReader: min(max(arguments.worksPerReader ?? 50, 1), 10_000))
        let pause = min(max(arguments.pauseMs ?? 0, 0), 1_000)
        let database = context.database
        var (cursor, resumed) = try await CatalogBatches.start(context, kind: name, firstPhase: "works")
        let resumedAfter = resumed ? cursor.done : nil
        let total = try await CatalogBatches.count("works", context)
        var counter = CoShelvingCounter(keep: listLength)
        var pairs: Int64 = 0
        while true {
            try context.checkpoint()
            let after = cursor.afterID
            let ids = try await database.bulkRead { try await CatalogStatsQueries.nextIDs(.works, after: after, limit: bounds.batch, on: $0) }
            guard let last = ids.last else { break }
            let (entries, counted) = try await similar(after: after, through: last, bounds: bounds, counter: &counter, database: database)
            pairs += counted
            let next = JobCursor(phase: "works", afterID: last, done: cursor.done + Int64(ids.count))
            let (now, jobID) = (Timestamp.microsecondsNow(), context.job.id)
            try await database.bulkWrite { db in
                try await SimilarWorksQueries.replace(after: after, through: last, with: entries, now: now, on: db)
                try await JobCursorQueries.save(kind: name, jobID: jobID, next, now: now, on: db)
            }
            cursor = next
            try await context.progress(cursor.done, of: max(total, cursor.done), "works")
            try await CatalogBatches.betweenBatches(pauseMs: pause)
        }
        return Result(works: total, pairs: pairs, resumedAfter: resumedAfter)
    }

    struct Bounds {
        let batch: Int
        let readersPerWork: Int
        let worksPerReader: Int
    }

    /// The lists of the works in `(after, through]`, and the reader-work pairs counted for them.
    static func similar(
        after: Int64, through: Int64, bounds: Bounds, counter: inout CoShelvingCounter, database: Database
    ) async throws -> ([SimilarWorksQueries.Entry], Int64) {
        let sink = PairSink()
        try await database.bulkRead { db in
            try await SimilarWorksQueries.sampledReaders(after: after, through: through, perWork: bounds.readersPerWork, on: db, sink.append)
        }
        let sample = sink.take()  // (work, reader), grouped by work
        guard !sample.isEmpty else { return ([], 0) }
        let readers = Array(Set(sample.map(\.1))).sorted()
        for start in stride(from: 0, to: readers.count, by: readersPerStatement) {
            let chunk = Array(readers[start..<min(start + readersPerStatement, readers.count)])
            try await database.bulkRead { db in
                try await SimilarWorksQueries.readerWorks(chunk, perReader: bounds.worksPerReader, on: db, sink.append)
            }
        }
        // Each reader's works side by side in one array, found through the reader's range in it.
        var shelved = sink.take()
        shelved.sort { $0.0 < $1.0 }
        let works = shelved.map(\.1)
        var ranges: [Int64: Range<Int>] = [:]
        ranges.reserveCapacity(readers.count)
        var start = 0
        for index in shelved.indices where index + 1 == shelved.count || shelved[index + 1].0 != shelved[index].0 {
            ranges[shelved[index].0] = start..<(index + 1)
            start = index + 1
        }
        shelved = []
        var entries: [SimilarWorksQueries.Entry] = []
        var counted: Int64 = 0
        var index = 0
        while index < sample.count {
            let work = sample[index].0
            while index < sample.count, sample[index].0 == work {
                if let range = ranges[sample[index].1] {
                    counter.add(readerWorks: works[range], of: work)
                    counted += Int64(range.count)
                }
                index += 1
            }
            for (rank, best) in counter.finish().enumerated() {
                entries.append(SimilarWorksQueries.Entry(workID: work, rank: rank + 1, similarWorkID: best.work, sharedReaders: Int64(best.shared)))
            }
        }
        return (entries, counted)
    }
}
