import Foundation
import QuireExchange
import QuireStore

/// `account.import`: one pass over an uploaded file (`import_id` names the row the API made with
/// the job): the first pass over every row, or a retry of the failed ones. A crashed attempt is
/// retried and resumes after the import's last committed batch.
public enum AccountImportJob {
    public static let name = "account.import"

    struct Arguments: Decodable {
        var importId: Int64
    }

    /// What the job reports: the import's counts, and the pass's own time (scripts/bench-import
    /// reads it).
    struct Result: Encodable {
        let outcome: AccountImporter.Outcome
        let milliseconds: Double

        func encode(to encoder: any Encoder) throws {
            try outcome.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(milliseconds, forKey: .milliseconds)
        }

        enum Key: String, CodingKey { case milliseconds }
    }

    public static func kind(_ settings: ImportSettings) -> JobKind {
        JobKind(name, maxAttempts: 3, backoffBase: .seconds(5), timeLimit: settings.timeLimit) { context in
            let id = try context.arguments(Arguments.self).importId
            let started = ContinuousClock.now
            let outcome: AccountImporter.Outcome
            do {
                outcome = try await AccountImporter(database: context.database, settings: settings)
                    .run(importID: id) { done, total in
                        try context.checkpoint()
                        try await context.progress(done, of: total, "rows")
                    }
            } catch let error as ImportFileError {
                // A file that can't be read now won't be read on a retry either.
                throw PermanentJobError("file: \(error.message)")
            } catch let error as ImportError {
                throw PermanentJobError(error.description)
            }
            let elapsed = started.duration(to: .now)
            let result = Result(outcome: outcome, milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            return String(decoding: try JSONEncoder.snakeCase.encode(result), as: UTF8.self)
        }
    }
}
