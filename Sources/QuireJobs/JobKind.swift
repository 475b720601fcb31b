import Foundation
import Synchronization
import QuireStore

/// One kind of job: its handler and how it is retried and limited.
public struct JobKind: Sendable {
    public let name: String
    public var maxAttempts: Int
    /// Delay before retry n is `backoffBase * 2^(n-1)`, at most `backoffMax`, plus up to 25% jitter.
    public var backoffBase: Duration
    public var backoffMax: Duration
    /// An attempt running longer than this is stopped and counts as a failed attempt.
    public var timeLimit: Duration
    /// Returns the job's result as JSON text, or nil.
    public let run: @Sendable (JobContext) async throws -> String?

    public init(
        _ name: String, maxAttempts: Int = 5, backoffBase: Duration = .seconds(1), backoffMax: Duration = .seconds(3600),
        timeLimit: Duration = .seconds(900), run: @escaping @Sendable (JobContext) async throws -> String?
    ) {
        self.name = name
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.timeLimit = timeLimit
        self.run = run
    }

    /// The delay before the retry that follows attempt `attempt` (1-based).
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = backoffBase * (1 << exponent)
        let capped = base > backoffMax ? backoffMax : base
        return capped + capped * Double.random(in: 0...0.25)
    }
}

/// Thrown by a handler for a failure that retrying can't fix: the job is discarded at once.
public struct PermanentJobError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The kinds a worker can run, by name.
public struct JobRegistry: Sendable {
    var kinds: [String: JobKind] = [:]

    public init(_ kinds: [JobKind] = []) {
        for kind in kinds { self.kinds[kind.name] = kind }
    }

    public subscript(name: String) -> JobKind? { kinds[name] }

    public mutating func register(_ kind: JobKind) { kinds[kind.name] = kind }
}

/// What a running handler may do: read its arguments, use the database, report progress, and
/// check whether it should stop.
public struct JobContext: Sendable {
    public let job: JobRecord
    public let database: Database
    let worker: String
    /// Where this process answers starts of the job from; kept up with its progress.
    let held: HeldUniqueJobs
    /// When progress was last recorded; shared by the copies of this context.
    private let lastProgress = LastProgress()

    /// The arguments decoded from the job's JSON.
    public func arguments<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder.snakeCase.decode(type, from: Data(job.args.utf8))
        } catch {
            throw PermanentJobError("arguments of \(job.kind) can't be read: \(error)")
        }
    }

    /// Records progress (done of total, with a message) where clients polling the job see it, at
    /// most every `progressInterval` (always the first report, and one where `done` reaches a
    /// known `total`; the job's own end is recorded by the worker either way): a handler may
    /// report after each small batch, and a write transaction per batch was half of a counter
    /// repair's statements. Clients look no more often (the event stream every 250 ms).
    public func progress(_ done: Int64, of total: Int64?, _ message: String? = nil) async throws {
        let now = ContinuousClock.now
        let due = lastProgress.instant.withLock { last in
            if let last, done != total, last.duration(to: now) < Self.progressInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        let (id, worker, at) = (job.id, worker, Timestamp.microsecondsNow())
        try await database.write {
            try await JobQueries.progress(id: id, worker: worker, done: done, total: total, message: message, now: at, on: $0)
        }
        held.progressed(job, done: done, total: total, message: message, now: at)
    }

    static let progressInterval = Duration.milliseconds(250)

    /// Throws when the job was cancelled, timed out or the worker is stopping: call it between batches.
    public func checkpoint() throws {
        try Task.checkCancellation()
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

extension JSONEncoder {
    static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

private final class LastProgress: Sendable {
    let instant = Mutex<ContinuousClock.Instant?>(nil)
}
