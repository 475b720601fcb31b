/// A fixed set of connections handed out one task at a time, FIFO, with waiters parked on
/// continuations. Quire holds its SQLite connections itself because SQLiteKit's AsyncKit pool
/// measured 2.5 times slower here (STYLE.md): each lease there hops through event-loop futures.
actor OwnedConnections<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []
    let all: [Connection]

    init(_ connections: [Connection]) {
        self.idle = connections
        self.all = connections
    }

    func acquire() async -> Connection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: Connection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Number of tasks waiting for a connection (for the pool metrics).
    var waiting: Int { waiters.count }
    var inUse: Int { all.count - idle.count }
}

extension OwnedConnections {
    nonisolated func with<T>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection = await acquire()
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }
}
