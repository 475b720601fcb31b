import Foundation
import QuireStore

/// `search.merge`: merges the catalog's search index into one segment, nightly by default, so
/// that what the day's new editions added to it costs searches nothing the next day (why, and
/// what it gains: `SearchIndexQueries`). Each step is its own short transaction on the bulk
/// connection, so writers wait for one step at most (milliseconds), never for the whole merge;
/// the job stops when a step finds nothing left to merge. A retry or a second run just finds
/// less (or nothing) to do.
public enum SearchMergeJob {
    public static let name = "search.merge"

    struct Result: Encodable {
        /// Steps that merged something; 0 when the index was already one segment.
        let steps: Int64
    }

    public static let kind = JobKind(name, maxAttempts: 3, backoffBase: .seconds(30), timeLimit: .seconds(3600)) { context in
        var steps: Int64 = 0
        while true {
            try context.checkpoint()
            guard try await context.database.bulkWrite({ try await SearchIndexQueries.mergeStep(on: $0) }) else { break }
            steps += 1
            try await context.progress(steps, of: nil, "merging the search index")
        }
        return String(decoding: try JSONEncoder.snakeCase.encode(Result(steps: steps)), as: UTF8.self)
    }
}
