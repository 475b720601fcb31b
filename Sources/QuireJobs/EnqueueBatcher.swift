import QuireStore
import ServiceLifecycle
import Synchronization

/// Group commit for enqueues: requests that arrive while a transaction commits wait for the next
/// one and share it, so under load one commit acknowledges many jobs. Each caller still returns
/// only after its job's transaction has committed: batching changes the cost, not the durability.
/// Jobs with the same unique key in one batch are enqueued once and share the answer; the whole
/// batch is one INSERT statement.
///
/// It runs as a service beside the HTTP server; where it isn't running (tests, commands),
/// `JobQueue` writes each enqueue on its own.
public final class EnqueueBatcher: Service, Sendable {
    typealias Answer = Result<(job: JobRecord, created: Bool), any Error>

    private struct Entry {
        let job: NewJob
        let continuation: CheckedContinuation<Answer, Never>
    }

    private let database: Database
    private let pending = Mutex<[Entry]>([])
    private let signal = WakeSignal()
    private let running = Mutex(false)
    /// The most jobs one transaction takes; the rest wait for the next.
    let maxBatch = 500

    public init(database: Database) {
        self.database = database
    }

    /// Whether it is taking enqueues (between its service starting and stopping).
    public var isRunning: Bool { running.withLock { $0 } }

    func enqueue(_ job: NewJob) async throws -> (job: JobRecord, created: Bool) {
        let answer = await withCheckedContinuation { continuation in
            pending.withLock { $0.append(Entry(job: job, continuation: continuation)) }
            signal.notify()
        }
        return try answer.get()
    }

    public func run() async throws {
        running.withLock { $0 = true }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = self.signal.generation
                if await self.flush() == 0 { await self.signal.wait(after: seen, timeout: .seconds(1)) }
            }
        }
        running.withLock { $0 = false }
        // Anyone who queued up while it stopped still gets an answer.
        while await flush() > 0 {}
    }

    /// Commits one batch and answers its callers; returns how many it took.
    private func flush() async -> Int {
        let batch = pending.withLock { entries -> [Entry] in
            let taken = Array(entries.prefix(maxBatch))
            entries.removeFirst(taken.count)
            return taken
        }
        guard !batch.isEmpty else { return 0 }
        let jobs = batch.map(\.job)
        let answers: [Answer]
        do {
            // One INSERT for the whole batch (its NOTIFY too), instead of an INSERT and a NOTIFY a job.
            let results = try await database.writeStatement { try await JobQueries.enqueue(jobs, now: Timestamp.microsecondsNow(), on: $0) }
            answers = results.map { .success($0) }
        } catch {
            answers = Array(repeating: .failure(error), count: batch.count)
        }
        for (entry, answer) in zip(batch, answers) { entry.continuation.resume(returning: answer) }
        return batch.count
    }
}
