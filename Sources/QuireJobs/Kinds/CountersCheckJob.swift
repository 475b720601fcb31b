import Foundation
import QuireStore

/// `counters.check`: the drift check of `quire counters check` as a job, nightly by default. It
/// recounts every counter in keyset batches (in read snapshots: it takes no write lock unless it
/// repairs), records what it found in `quire_count_drift_rows{table}` and
/// `quire_count_drift_found_total{table}`, and repairs only when `repair` is true, which the
/// schedule passes when QUIRE_COUNTERS_CHECK_REPAIR is set.
public enum CountersCheckJob {
    public static let name = "counters.check"

    struct Arguments: Decodable {
        var repair: Bool?
        var batchSize: Int?
    }

    struct Result: Encodable {
        let drifted: Int
        let repaired: Int
        let counters: [String: Int]
    }

    public static let kind = JobKind(name, maxAttempts: 3, timeLimit: .seconds(6 * 3600)) { context in
        let arguments = try context.arguments(Arguments.self)
        let repair = arguments.repair ?? false
        let batchSize = min(max(arguments.batchSize ?? 1_000, 1), 10_000)
        let drift = try await CounterAudit(database: context.database, batchSize: batchSize).run(repair: repair) { family, checked in
            try context.checkpoint()
            try await context.progress(Int64(checked), of: nil, "checking \(family)")
        }
        CounterDriftMeter.record(drift)
        let result = Result(
            drifted: drift.count, repaired: repair ? drift.count : 0, counters: Dictionary(grouping: drift, by: \.counter).mapValues(\.count))
        return String(decoding: try JSONEncoder.snakeCase.encode(result), as: UTF8.self)
    }
}
