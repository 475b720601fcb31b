import QuireStore
import Synchronization

/// Finds the active job holding a unique key, with concurrent look-ups sharing one read: the
/// read counterpart of `EnqueueBatcher`'s group commit.
///
/// A repeated "start the nightly repair" is answered from this look-up. Under 64 clients each
/// request used to be its own round trip, and on PostgreSQL those round trips (the backend's
/// parse, plan and wake-up on the 2 shared cores) were what capped the endpoint at about 4,000
/// requests/s. Here one read is in flight at a time; the keys asked for while it runs wait and
/// go together in the next one, so the reads per second follow the read's own latency, not the
/// request rate.
///
/// Each caller's answer comes from a read that started after the caller asked, never from one
/// already under way, so it is as fresh as a read of its own: a job that ended before the
/// request arrived is never returned.
final class ActiveJobLookup: Sendable {
    private typealias Answer = Result<JobRecord?, any Error>

    private struct Waiter {
        let key: String
        let continuation: CheckedContinuation<Answer, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var reading = false
    }

    private let database: Database
    private let state = Mutex(State())
    /// The most keys one read binds (well under either engine's bound-parameter limit).
    let maxKeys = 200

    init(database: Database) {
        self.database = database
    }

    func active(uniqueKey key: String) async throws -> JobRecord? {
        let answer = await withCheckedContinuation { continuation in
            let lead = state.withLock { state -> Bool in
                state.waiting.append(Waiter(key: key, continuation: continuation))
                defer { state.reading = true }
                return !state.reading
            }
            // The first to find no read running starts the reads; it ends when nobody waits.
            if lead { Task { await self.readWhileWaited() } }
        }
        return try answer.get()
    }

    private func readWhileWaited() async {
        while let batch = nextBatch() {
            let keys = Array(Set(batch.map(\.key)))
            let answers: [String: Answer]
            do {
                let jobs = try await database.read { try await JobQueries.active(uniqueKeys: keys, on: $0) }
                var found = [String: Answer](uniqueKeysWithValues: keys.map { ($0, .success(nil)) })
                for job in jobs { if let key = job.uniqueKey { found[key] = .success(job) } }
                answers = found
            } catch {
                answers = Dictionary(uniqueKeysWithValues: keys.map { ($0, .failure(error)) })
            }
            for waiter in batch { waiter.continuation.resume(returning: answers[waiter.key] ?? .success(nil)) }
        }
    }

    /// The waiters for the next read (at most `maxKeys` distinct keys), or nil, marking the
    /// reads stopped in the same lock, when nobody waits.
    private func nextBatch() -> [Waiter]? {
        state.withLock { state -> [Waiter]? in
            guard !state.waiting.isEmpty else {
                state.reading = false
                return nil
            }
            var keys = Set<String>()
            var taken: [Waiter] = []
            var left: [Waiter] = []
            for waiter in state.waiting {
                if keys.contains(waiter.key) || keys.count < maxKeys {
                    keys.insert(waiter.key)
                    taken.append(waiter)
                } else {
                    left.append(waiter)
                }
            }
            state.waiting = left
            return taken
        }
    }
}
