import Synchronization

/// Wakes waiting tasks when there may be work: a job was enqueued in this process, a NOTIFY
/// arrived, a worker slot freed up. Waiters pass the generation they last saw, so a signal sent
/// between looking for work and starting to wait is never lost.
public final class WakeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var generation: UInt64 { state.withLock { $0.generation } }

    public func notify() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation &+= 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when notified after `seen`, after `timeout`, or when the task is cancelled.
    public func wait(after seen: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: seen) }
            group.addTask { await Self.sleep(timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Sleeps `duration` (or until cancelled) in slices of at most `slice`. On Linux a cancelled
    /// `Task.sleep` keeps its task, some 700 bytes, until the time it was set for
    /// (swiftlang/swift#60441), and these sleeps are nearly always cancelled: the time-limit
    /// watcher's hour-long wait was cut short by every job started on an idle worker, so each
    /// such job left 700 bytes behind for an hour. Sliced, a cancelled wait holds its memory a
    /// second at most, for one wake-up a second of a waiter that waits that long.
    static func sleep(_ duration: Duration, slice: Duration = .seconds(1)) async {
        let end = ContinuousClock.now + duration
        while !Task.isCancelled {
            let left = ContinuousClock.now.duration(to: end)
            guard left > .zero else { return }
            try? await Task.sleep(for: min(left, slice))
        }
    }

    /// Returns when notified after `seen` or when the task is cancelled. No timer and no child
    /// tasks: a running job waits on two of these, and the queue runs thousands of jobs a second.
    public func wait(after seen: UInt64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = self.state.withLock { state -> Bool in
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
