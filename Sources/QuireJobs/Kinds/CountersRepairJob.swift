import Foundation
import Synchronization
import QuireStore

/// `counters.repair`: recounts every counter in keyset batches and fixes drift, reporting
/// progress and stopping between batches when cancelled. Safe to run twice: a repair writes the
/// recounted values, so a second run finds nothing to fix.
///
/// It is maintenance, so it gives way to requests, as PostgreSQL's autovacuum does with its cost
/// delay. Measured on 2 cores with 64 clients each starting a repair every 10 ms (so one repair
/// ran after another the whole time), the POST's p99 was 2.7-3.0 ms with no worker in the process:
/// - batches of 1,000 owners: 6.3-6.9 ms flat out, and still 5.2-5.3 ms with a pause of four
///   times each batch's time. A batch's rows are decoded and compared on the same few threads
///   that serve requests, a millisecond or more at a stretch;
/// - batches of 100, flat out: 4.6-6.4 ms, the repair taking a whole core;
/// - batches of 100 with a pause after each of twice its length (the defaults): 3.6-5.2 ms, median
///   4.7 over five runs, the repair taking about a third of a core; 3.5-4.5 ms, median 3.9, once
///   progress was recorded at most every 250 ms (JobContext.progress).
/// So the defaults are small batches and a pause of `pause` times each batch's own time (at most
/// a third of a core), with a time limit long enough for a repair of a large database at that pace.
/// `batch_size` and `pause` arguments override them; `quire counters repair` runs flat out.
public enum CountersRepairJob {
    public static let name = "counters.repair"

    static let longestPause = Duration.milliseconds(50)

    struct Arguments: Decodable {
        var batchSize: Int?
        var pause: Double?
    }

    struct Result: Encodable {
        let repaired: Int
        let counters: [String: Int]
    }

    public static let kind = JobKind(name, maxAttempts: 3, timeLimit: .seconds(6 * 3600)) { context in
        let arguments = try context.arguments(Arguments.self)
        let batchSize = min(max(arguments.batchSize ?? 100, 1), 10_000)
        let pause = min(max(arguments.pause ?? 2, 0), 10)
        let clock = ContinuousClock()
        let batchStart = Mutex(clock.now)
        let drift = try await CounterAudit(database: context.database, batchSize: batchSize).run(repair: true) { family, checked in
            try context.checkpoint()
            try await context.progress(Int64(checked), of: nil, "recounting \(family)")
            // At most `longestPause` at a time: a batch's time is wall time, which on a loaded
            // machine is mostly waiting, and unbounded the pause multiplied it (a repair of a
            // test database under a parallel test run took over 20 s).
            if pause > 0 { try await Task.sleep(for: min(batchStart.withLock { $0.duration(to: clock.now) } * pause, Self.longestPause)) }
            batchStart.withLock { $0 = clock.now }
        }
        CounterDriftMeter.record(drift)
        let result = Result(repaired: drift.count, counters: Dictionary(grouping: drift, by: \.counter).mapValues(\.count))
        return String(decoding: try JSONEncoder.snakeCase.encode(result), as: UTF8.self)
    }
}
