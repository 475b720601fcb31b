import Foundation
import QuireCore
import QuireStore
import Synchronization

extension JobWorker {
    enum Outcome: Sendable {
        case succeeded(String?)
        case failed(String)
        case permanentlyFailed(String)
        case cancelled
        case timedOut
        case interrupted
        /// Another process took the job (its rescue found this worker's heartbeat stale): the
        /// job is no longer this worker's to record.
        case lost
    }

    /// Runs one claimed job and records how it ended.
    func execute(_ job: JobRecord, stop: RunningJobs.Stop) async {
        guard let kind = queue.registry[job.kind] else {
            await record(job, .permanentlyFailed("no job kind named \(job.kind) in this worker"), kind: nil)
            return
        }
        let context = JobContext(job: job, database: database, worker: configuration.name, held: queue.held)
        let started = ContinuousClock.now
        let outcome = await withTaskGroup(of: Outcome?.self) { group -> Outcome in
            group.addTask {
                do {
                    return .succeeded(try await kind.run(context))
                } catch is CancellationError {
                    return nil
                } catch let error as PermanentJobError {
                    return .permanentlyFailed(error.description)
                } catch {
                    guard !Task.isCancelled else { return nil }
                    // The job keeps the error's description, which a database error gives without
                    // its details (PostgresNIO hides the server's message from users); the log,
                    // for operators, has them all.
                    self.logger.warning("a job's attempt failed", metadata: [
                        "job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)", "error": "\(String(reflecting: error))",
                    ])
                    return .failed(String(describing: error))
                }
            }
            group.addTask {
                // Ends when the job is cancelled, runs out of time or the worker's grace is over.
                await stop.wait()
            }
            // The first real outcome wins and stops the other; the handler sees cancellation at
            // its next checkpoint, and the group waits for it to end, so nothing it writes lands
            // after its outcome.
            var outcome: Outcome = .interrupted
            while let next = await group.next() {
                if let next {
                    outcome = next
                    break
                }
                if Task.isCancelled { break }
            }
            group.cancelAll()
            return outcome
        }
        JobMetrics.ran(kind: job.kind, for: ContinuousClock.now - started)
        await record(job, outcome, kind: kind)
    }

    private func record(_ job: JobRecord, _ outcome: Outcome, kind: JobKind?) async {
        // Before its end is written: from here a start with its key reads the database.
        queue.held.release(job)
        let now = Timestamp.microsecondsNow()
        if case .succeeded(nil) = outcome {
            await completions.add(job.id)
            return
        }
        // Drawn only here: the jitter's random number was 1% of a worker's CPU on no-op jobs.
        let retryAt = kind.map { now + $0.backoff(afterAttempt: job.attempts).microseconds }
        let (state, result, error, runAfter): (JobState, String?, String?, Int64?)
        switch outcome {
        case .succeeded(let value):
            (state, result, error, runAfter) = (.succeeded, value, nil, nil)
        case .failed(let message):
            (state, result, error, runAfter) = job.attempts < job.maxAttempts ? (.failed, nil, message, retryAt) : (.discarded, nil, message, nil)
        case .timedOut:
            let message = "stopped after its time limit of \(kind?.timeLimit ?? .zero)"
            (state, result, error, runAfter) = job.attempts < job.maxAttempts ? (.failed, nil, message, retryAt) : (.discarded, nil, message, nil)
        case .permanentlyFailed(let message):
            (state, result, error, runAfter) = (.discarded, nil, message, nil)
        case .cancelled:
            (state, result, error, runAfter) = (.cancelled, nil, "cancelled", nil)
        case .interrupted:
            // The worker is stopping: the job goes back to the queue for another worker, and the
            // attempt is not counted, so restarts never use up a job's attempts.
            (state, result, error, runAfter) = (.queued, nil, "the worker stopped before the job finished", now)
        case .lost:
            logger.warning("another worker took this job over while this one stalled; the attempt here stopped", metadata: [
                "job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)",
            ])
            return
        }
        let uncounted: Bool = if case .interrupted = outcome { true } else { false }
        let finish = UnrecordedOutcomes.Finish(
            job: job.id, kind: job.kind, state: state, result: result, error: error, runAfter: runAfter, uncountAttempt: uncounted, at: now)
        do {
            try await write(finish)
        } catch {
            unrecorded.add(finish)
            logger.error("recording a job's outcome failed; it is written again at the next heartbeat", metadata: [
                "job": "\(job.id)", "error": "\(error)",
            ])
        }
    }

    /// Writes the outcomes the database refused before (`UnrecordedOutcomes`); those refused
    /// again wait for the next call.
    func recordRefused() async {
        for finish in unrecorded.waiting {
            do {
                try await write(finish)
                unrecorded.remove(finish.job)
                logger.info("recorded a job's outcome the database had refused", metadata: ["job": "\(finish.job)"])
            } catch {
                logger.debug("recording a job's outcome failed again", metadata: ["job": "\(finish.job)", "error": "\(error)"])
            }
        }
    }

    /// Writes one job's outcome, unless another worker has taken the job meanwhile.
    private func write(_ finish: UnrecordedOutcomes.Finish) async throws {
        // Written in a task of its own, which the worker's cancellation doesn't reach: cancelled
        // mid-stop, the write threw CancellationError and an interrupted job stayed `running`
        // with its attempt counted, until the rescuer found it (seen in a CI run on SQLite).
        let (database, worker) = (database, configuration.name)
        let finished = try await Task {
            try await database.write {
                try await JobQueries.finish(
                    id: finish.job, worker: worker, state: finish.state, result: finish.result, error: finish.error, runAfter: finish.runAfter,
                    uncountAttempt: finish.uncountAttempt, now: finish.at, on: $0)
            }
        }.value
        if finished { JobMetrics.changed(kind: finish.kind, to: finish.state) }
        if finish.state == .failed || finish.state == .queued { queue.signal.notify() }
    }
}

/// Writes successes in batches: while one transaction commits, the next successes gather, so a
/// busy worker pays one commit for many jobs (group commit).
final class CompletionBatcher: Sendable {
    let database: Database
    let worker: String
    private let pending = Mutex<[Int64]>([])
    private let signal = WakeSignal()

    init(database: Database, worker: String) {
        self.database = database
        self.worker = worker
    }

    func add(_ id: Int64) async {
        pending.withLock { $0.append(id) }
        signal.notify()
    }

    func run() async {
        while !Task.isCancelled {
            let seen = signal.generation
            await flush()
            await signal.wait(after: seen, timeout: .seconds(1))
        }
    }

    /// Writes whatever is pending, then returns.
    func flush() async {
        let ids = pending.withLock { ids -> [Int64] in
            defer { ids.removeAll(keepingCapacity: true) }
            return ids
        }
        guard !ids.isEmpty else { return }
        do {
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let kinds = try await database.writeStatement { [worker] in
                    try await JobQueries.succeed(ids: chunk, worker: worker, now: Timestamp.microsecondsNow(), on: $0)
                }
                for (kind, count) in Dictionary(kinds.map { ($0, 1) }, uniquingKeysWith: +) {
                    JobMetrics.changed(kind: kind, to: .succeeded, count: count)
                }
            }
        } catch {
            // Put them back for the next flush; if this process dies first the rescuer re-runs them,
            // which handlers are written to survive.
            pending.withLock { $0.insert(contentsOf: ids, at: 0) }
        }
    }
}
