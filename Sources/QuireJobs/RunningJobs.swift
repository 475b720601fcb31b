import Synchronization

/// The jobs a worker is running, and what can stop each one from outside its handler: a
/// cancellation asked for through the API (which the heartbeat learns), its kind's time limit, or
/// the worker stopping.
///
/// Each job waits on one `Stop`, and one watcher per worker keeps all the time limits. A job used
/// to wait in three child tasks, one of them a timer for its time limit; draining no-op jobs those
/// tasks and timers were a tenth of a `quire worker`'s CPU (perf, release build), for limits of
/// minutes that almost never fire.
final class RunningJobs: Sendable {
    /// How one running job is stopped: the first reason given wins and wakes its waiter.
    final class Stop: Sendable {
        let deadline: ContinuousClock.Instant
        private let reason = Mutex<JobWorker.Outcome?>(nil)
        private let signal = WakeSignal()

        init(deadline: ContinuousClock.Instant) {
            self.deadline = deadline
        }

        func stop(_ outcome: JobWorker.Outcome) {
            let first = reason.withLock { reason -> Bool in
                guard reason == nil else { return false }
                reason = outcome
                return true
            }
            if first { signal.notify() }
        }

        /// The reason, once the job is stopped; nil when the waiting task is cancelled first
        /// (the handler ended on its own).
        func wait() async -> JobWorker.Outcome? {
            await signal.wait(after: 0)
            return Task.isCancelled ? nil : reason.withLock { $0 }
        }
    }

    private struct State {
        var jobs: [Int64: Stop] = [:]
        /// The time-limit watcher wakes by then at the latest; a job due earlier must wake it.
        var watcherWakes: ContinuousClock.Instant?
        /// Set once the worker stops: jobs still running are stopped, and so is any started later.
        var stopping: JobWorker.Outcome?
    }

    private let state = Mutex(State())
    private let deadlinesChanged = WakeSignal()
    /// Notified each time a job ends and frees its slot.
    let freed = WakeSignal()

    var count: Int { state.withLock { $0.jobs.count } }

    /// The jobs running now, each with its own attempt's `Stop`: stopping one of these later
    /// never reaches a newer attempt of the same job.
    var current: [(id: Int64, stop: Stop)] { state.withLock { $0.jobs.map { ($0.key, $0.value) } } }

    /// Registers job `id`, due to be stopped after `timeLimit`.
    func start(_ id: Int64, timeLimit: Duration) -> Stop {
        let stop = Stop(deadline: .now + timeLimit)
        let (wakeWatcher, stopping) = state.withLock { state -> (Bool, JobWorker.Outcome?) in
            state.jobs[id] = stop
            if let wakes = state.watcherWakes, wakes <= stop.deadline { return (false, state.stopping) }
            state.watcherWakes = stop.deadline
            return (true, state.stopping)
        }
        if let stopping { stop.stop(stopping) }
        if wakeWatcher { deadlinesChanged.notify() }
        return stop
    }

    func end(_ id: Int64) {
        state.withLock { _ = $0.jobs.removeValue(forKey: id) }
        freed.notify()
    }

    /// Stops job `id` if it runs here.
    func stop(_ id: Int64, _ outcome: JobWorker.Outcome) {
        state.withLock { $0.jobs[id] }?.stop(outcome)
    }

    /// Stops every job running now and any started from now on.
    func stopAll(_ outcome: JobWorker.Outcome) {
        let all = state.withLock { state in
            state.stopping = outcome
            return Array(state.jobs.values)
        }
        for stop in all { stop.stop(outcome) }
    }

    /// Stops each job when its time limit runs out, until cancelled.
    func enforceTimeLimits() async {
        while !Task.isCancelled {
            let seen = deadlinesChanged.generation
            let now = ContinuousClock.now
            let (expired, next) = state.withLock { state -> ([Stop], ContinuousClock.Instant?) in
                var expired: [Stop] = []
                var next: ContinuousClock.Instant?
                for stop in state.jobs.values {
                    if stop.deadline <= now {
                        expired.append(stop)
                    } else if next.map({ stop.deadline < $0 }) ?? true {
                        next = stop.deadline
                    }
                }
                state.watcherWakes = next
                return (expired, next)
            }
            for stop in expired { stop.stop(.timedOut) }
            await deadlinesChanged.wait(after: seen, timeout: next.map { now.duration(to: $0) } ?? .seconds(3600))
        }
    }
}
