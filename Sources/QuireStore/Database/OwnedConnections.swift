import Synchronization

/// A fixed set of connections handed out one task at a time, FIFO, with waiters parked on
/// continuations. Quire holds its SQLite connections itself because SQLiteKit's AsyncKit pool
/// measured 2.5 times slower here (STYLE.md): each lease there hops through event-loop futures.
/// A lock, not an actor: taking a free connection doesn't suspend the task at all.
final class OwnedConnections<Connection: Sendable>: Sendable {
    private struct State {
        var idle: [Connection]
        var waiters: [CheckedContinuation<Connection, Never>] = []
    }

    private let state: Mutex<State>
    let all: [Connection]
    /// Where a task holding (or waiting for) one of these connections runs; nil: wherever it was.
    let executor: (any TaskExecutor)?

    init(_ connections: [Connection], executor: (any TaskExecutor)? = nil) {
        self.state = Mutex(State(idle: connections))
        self.all = connections
        self.executor = executor
    }

    func acquire() async -> Connection {
        if let connection = state.withLock({ $0.idle.popLast() }) { return connection }
        return await withCheckedContinuation { continuation in
            // Checked again under the lock: a connection may have come back in between.
            let ready = state.withLock { state -> Connection? in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func release(_ connection: Connection) {
        let waiter = state.withLock { state -> CheckedContinuation<Connection, Never>? in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// Tasks waiting for a connection and connections lent out, for the pool metrics.
    var waiting: Int { state.withLock { $0.waiters.count } }
    var inUse: Int { state.withLock { all.count - $0.idle.count } }

    /// `body` with a connection, on `executor` when there is one (waiting for the connection too).
    func with<T>(_ body: (Connection) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(executor) {
            let connection = await acquire()
            defer { release(connection) }
            return try await body(connection)
        }
    }
}
