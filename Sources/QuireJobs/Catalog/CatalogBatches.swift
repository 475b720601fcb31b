import Foundation
import Synchronization
import QuireStore

/// What the catalog jobs share: where a run resumes, what happens between batches, and row sinks
/// for statements that stream their rows.
enum CatalogBatches {
    /// The cursor this job saved before it was interrupted, or the start.
    static func start(_ context: JobContext, kind: String, firstPhase: String) async throws -> (cursor: JobCursor, resumed: Bool) {
        let id = context.job.id
        if let saved = try await context.database.read({ try await JobCursorQueries.find(kind: kind, jobID: id, on: $0) }) {
            return (saved, true)
        }
        return (JobCursor(phase: firstPhase, afterID: 0, done: 0), false)
    }

    /// Rows in `table`, for the progress total (an index-only count).
    static func count(_ table: String, _ context: JobContext) async throws -> Int64 {
        try await context.database.bulkRead { db in
            try await db.raw("SELECT count(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int64.self) ?? 0
        }
    }

    /// After each committed batch: returns what the batch freed to the system, so the process
    /// stays as large as one batch needs however long the run (`ProcessMemory`), and sleeps
    /// `pauseMs` when asked to (tests slow a run down to cancel it halfway; an operator may pace
    /// a run on a busy server).
    static func betweenBatches(pauseMs milliseconds: Int) async throws {
        ProcessMemory.returnFreed()
        if milliseconds > 0 { try await Task.sleep(for: .milliseconds(milliseconds)) }
    }
}

/// Collects the pairs a streaming statement hands over, one row at a time, from the driver's
/// callback (which must be `Sendable`).
final class PairSink: Sendable {
    private let pairs = Mutex<[(Int64, Int64)]>([])

    func append(_ a: Int64, _ b: Int64) { pairs.withLock { $0.append((a, b)) } }

    /// The pairs so far, leaving the sink empty.
    func take() -> [(Int64, Int64)] { pairs.withLock { pairs in defer { pairs = [] }; return pairs } }
}
