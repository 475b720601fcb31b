import Synchronization
import QuireStore
import SQLKit

extension JobQueue {
    /// Runs `body` in one write transaction in which it may enqueue jobs beside its own writes:
    /// the rows and the jobs are committed together or not at all (an export's row and the job
    /// that writes its file). Workers are woken once it has committed.
    public func enqueue<T: Sendable>(
        writing body: @escaping @Sendable (_ db: any SQLDatabase, _ enqueue: @Sendable (NewJob) async throws -> JobRecord) async throws -> T
    ) async throws -> T {
        let created = Mutex<[JobRecord]>([])
        let result = try await database.write { db in
            created.withLock { $0 = [] }
            return try await body(db) { job in
                let (record, _) = try await JobQueries.enqueue(prepared(job), now: Timestamp.microsecondsNow(), on: db)
                created.withLock { $0.append(record) }
                return record
            }
        }
        let jobs = created.withLock { $0 }
        if !jobs.isEmpty { signal.notify() }
        for job in jobs { JobMetrics.changed(kind: job.kind, to: job.state) }
        return result
    }
}
