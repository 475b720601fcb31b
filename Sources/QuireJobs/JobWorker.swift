import Foundation
import Logging
import PostgresNIO
import QuireCore
import QuireStore
import ServiceLifecycle
import Synchronization

/// Runs jobs from the queue: claims as many ready jobs as it has free slots in one statement,
/// runs each under its kind's time limit, records successes in batches (one transaction for many
/// jobs), heartbeats the jobs it holds, puts back jobs of dead workers, prunes old jobs and
/// enqueues periodic jobs. Several workers, in one process or many, share one database.
public final class JobWorker: Service, Sendable {
    let queue: JobQueue
    let configuration: WorkerConfiguration
    let periodic: [PeriodicJob]
    let logger: Logger
    let running = RunningJobs()
    let completions: CompletionBatcher
    let unrecorded = UnrecordedOutcomes()

    public init(queue: JobQueue, configuration: WorkerConfiguration, periodic: [PeriodicJob] = [], logger: Logger) {
        self.queue = queue
        self.configuration = configuration
        self.periodic = periodic
        self.logger = logger
        self.completions = CompletionBatcher(database: queue.database, worker: configuration.name)
    }

    var database: Database { queue.database }

    public func run() async throws {
        guard configuration.concurrency > 0 else {
            // Turned off, it still lives as long as its service group: returning early would read
            // as a failure and stop the server.
            try? await gracefulShutdown()
            return
        }
        logger.info("job worker started", metadata: ["worker": "\(configuration.name)", "concurrency": "\(configuration.concurrency)"])
        await withDiscardingTaskGroup { group in
            group.addTask { await cancelWhenGracefulShutdown { await self.every(self.configuration.heartbeatInterval) {
                await self.recordRefused()
                try await self.heartbeat()
            } } }
            group.addTask { await cancelWhenGracefulShutdown { await self.every(self.configuration.rescueAfter / 3) { try await self.maintain() } } }
            group.addTask { await cancelWhenGracefulShutdown { await self.schedulePeriodic() } }
            group.addTask { await cancelWhenGracefulShutdown { await self.completions.run() } }
            // Not stopped by a graceful shutdown: jobs finishing within `stopGrace` keep their limits.
            group.addTask { await self.running.enforceTimeLimits() }
            if database.engine == .postgres {
                group.addTask { await cancelWhenGracefulShutdown { await self.listen() } }
            }
            await self.claimLoop()
            // Jobs have finished: let the batcher write the last successes, then stop the helpers.
            await self.completions.flush()
            await self.recordRefused()
            group.cancelAll()
        }
        logger.info("job worker stopped", metadata: ["worker": "\(configuration.name)"])
    }

    /// Claims work while there are free slots. On graceful shutdown it stops claiming, lets the
    /// jobs it holds finish within `stopGrace`, then stops the rest and puts them back in the
    /// queue: left to the service group's own deadline they would be cancelled together with the
    /// database, their outcome unrecorded, and counted as a failed attempt when rescued.
    private func claimLoop() async {
        await withDiscardingTaskGroup { jobs in
            // Whether the last claim filled every slot it asked for, so more jobs are likely waiting.
            var backlog = false
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let seen = queue.signal.generation
                let seenFree = running.freed.generation
                if configuration.concurrency - running.count <= 0 {
                    await running.freed.wait(after: seenFree, timeout: configuration.pollInterval)
                    continue
                }
                if backlog, configuration.concurrency - running.count < configuration.concurrency / 2 {
                    // With a backlog, claim in larger batches: one claim statement for many free
                    // slots beats one per slot, and short jobs free slots within a millisecond.
                    try? await Task.sleep(for: .milliseconds(1))
                }
                let free = configuration.concurrency - running.count
                let claimed: [JobRecord]
                do {
                    claimed = try await database.writeStatement { [configuration] db in
                        try await JobQueries.claim(worker: configuration.name, limit: free, now: Timestamp.microsecondsNow(), on: db)
                    }
                    for job in claimed {
                        queue.held.hold(job)
                        JobMetrics.changed(kind: job.kind, to: .running)
                        JobMetrics.pickedUp(job, claimedAt: job.startedAt ?? Timestamp.microsecondsNow())
                    }
                } catch {
                    // Cancelled (the worker is being torn down): the loop ends, nothing failed.
                    if Task.isCancelled { continue }
                    logger.warning("claiming jobs failed", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: configuration.pollInterval)
                    continue
                }
                backlog = claimed.count == free
                for job in claimed {
                    let stop = running.start(job.id, timeLimit: queue.registry[job.kind]?.timeLimit ?? Self.unknownKindTimeLimit)
                    jobs.addTask {
                        await self.execute(job, stop: stop)
                        self.running.end(job.id)
                    }
                }
                if claimed.isEmpty {
                    await waitForWork(seen: seen)
                }
            }
            await stopRunningJobs()
        }
    }

    /// Waits up to `stopGrace` for the running jobs to end, then tells the rest to stop.
    private func stopRunningJobs() async {
        let deadline = ContinuousClock.now + configuration.stopGrace
        while running.count > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            let seen = running.freed.generation
            if running.count == 0 { break }
            await running.freed.wait(after: seen, timeout: deadline - ContinuousClock.now)
        }
        let left = running.count
        if left > 0 {
            logger.info("stopping the jobs still running and putting them back in the queue", metadata: ["jobs": "\(left)"])
        }
        running.stopAll(.interrupted)
    }

    /// Waits for a wake-up or the poll interval. SQLite has no NOTIFY, so a job enqueued by
    /// another process is noticed by peeking every few milliseconds with a read through the
    /// `jobs_ready` index, which costs microseconds and takes no write lock; only a peek that
    /// finds work leads to a claim.
    private func waitForWork(seen: UInt64) async {
        await withGracefulShutdownHandler {
            guard database.engine == .sqlite else {
                await queue.signal.wait(after: seen, timeout: configuration.pollInterval)
                return
            }
            let deadline = ContinuousClock.now + configuration.pollInterval
            while ContinuousClock.now < deadline, !Task.isShuttingDownGracefully, !Task.isCancelled {
                await queue.signal.wait(after: seen, timeout: configuration.peekInterval)
                if queue.signal.generation != seen { return }
                if (try? await database.read({ try await JobQueries.hasReadyJobs(now: Timestamp.microsecondsNow(), on: $0) })) == true { return }
            }
        } onGracefulShutdown: {
            self.queue.signal.notify()
        }
    }

    /// Runs `body` now and then every `interval` until cancelled, logging failures.
    func every(_ interval: Duration, _ body: () async throws -> Void) async {
        while !Task.isCancelled {
            do { try await body() } catch is CancellationError { return } catch {
                logger.warning("job worker maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Keeps this worker's running jobs alive and learns which were cancelled or lost. `always`
    /// beats even when no job runs here yet: see `maintain`.
    private func heartbeat(always: Bool = false) async throws {
        // Taken before the statement: each of these was claimed before it, so the statement sees
        // it as this worker's unless another process took it (a job claimed after the snapshot
        // may be missing from `held` without being lost).
        let runningBefore = running.current
        guard always || !runningBefore.isEmpty else { return }
        let name = configuration.name
        let (held, cancelled) = try await database.writeStatement { try await JobQueries.heartbeat(worker: name, now: Timestamp.microsecondsNow(), on: $0) }
        let heldNow = Set(held)
        // A job rescued by another process while this one stalled is no longer this worker's:
        // its attempt stops here and records nothing, so it never runs beside the attempt that
        // took over (two attempts of one import side by side discarded it in a CI run at 5fba836,
        // there both in one worker: see `maintain`).
        queue.held.keepOnly(heldNow, of: name)
        for (id, stop) in runningBefore where !heldNow.contains(id) { stop.stop(.lost) }
        for id in cancelled { running.stop(id, .cancelled) }
    }

    private func maintain() async throws {
        let now = Timestamp.microsecondsNow()
        // This process's own jobs are alive: beating for them first keeps the rescue below from
        // putting them back when the heartbeat task has fallen behind (a loaded machine's CI run
        // once saw a worker put its own import back twice, which discarded it). Beaten even when
        // none runs here: a claim committed whose answer has not reached the claim loop yet (late
        // by more than the rescue interval on a loaded machine) is a job this worker is about to
        // run, and rescuing it ran two attempts of one import at once (CI at 5fba836).
        try await heartbeat(always: true)
        let (staleBefore, prunedBefore) = (now - configuration.rescueAfter.microseconds, now - configuration.retention.microseconds)
        let rescued = try await database.write { try await JobQueries.rescue(staleBefore: staleBefore, now: now, on: $0) }
        if !rescued.isEmpty {
            logger.warning("put back jobs of a worker that stopped responding", metadata: ["jobs": "\(rescued.count)"])
            queue.signal.notify()
            for job in rescued { JobMetrics.changed(kind: job.kind, to: job.state) }
        }
        // In small batches so pruning never holds the write lock for long.
        while try await database.write({ try await JobQueries.prune(before: prunedBefore, limit: 1000, on: $0) }) == 1000 {}
        // Sampled here rather than when scraped: the scrape then costs no query, and every
        // process running a worker keeps it fresh.
        let ready = try await database.read { try await JobQueries.readyCount(now: Timestamp.microsecondsNow(), limit: Self.depthLimit, on: $0) }
        JobMetrics.queueDepth(ready)
    }

    /// A job of a kind this worker doesn't know is failed at once; the limit is never reached.
    static let unknownKindTimeLimit = Duration.seconds(900)

    /// The queue depth gauge stops counting here, so sampling a huge backlog stays cheap.
    static let depthLimit = 100_000

    /// On PostgreSQL, NOTIFY from any process wakes this worker at once.
    private func listen() async {
        while !Task.isCancelled {
            do {
                try await database.listen(channel: JobQueries.channel) { self.queue.signal.notify() }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("listening for jobs failed; polling until it comes back", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
