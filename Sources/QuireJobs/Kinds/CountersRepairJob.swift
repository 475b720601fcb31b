import Foundation
import QuireStore

/// `counters.repair`: recounts every counter in keyset batches and fixes drift, reporting
/// progress and stopping between batches when cancelled. Safe to run twice: a repair writes the
/// recounted values, so a second run finds nothing to fix.
public enum CountersRepairJob {
    public static let name = "counters.repair"

    struct Arguments: Decodable {
        var batchSize: Int?
    }

    struct Result: Encodable {
        let repaired: Int
        let counters: [String: Int]
    }

    public static let kind = JobKind(name, maxAttempts: 3, timeLimit: .seconds(3600)) { context in
        let arguments = try context.arguments(Arguments.self)
        let batchSize = min(max(arguments.batchSize ?? 1000, 1), 10_000)
        let drift = try await CounterAudit(database: context.database, batchSize: batchSize).run(repair: true) { family, checked in
            try context.checkpoint()
            try await context.progress(Int64(checked), of: nil, "recounting \(family)")
        }
        CounterDriftMeter.record(drift)
        let result = Result(repaired: drift.count, counters: Dictionary(grouping: drift, by: \.counter).mapValues(\.count))
        return String(decoding: try JSONEncoder.snakeCase.encode(result), as: UTF8.self)
    }
}
