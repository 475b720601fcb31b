import ArgumentParser
import Foundation
import Logging
import QuireCore
import QuireExchange
import QuireJobs
import QuireStore
import SQLKit

/// Account exports on a release build (issue 13): three readers on a seeded catalog, each
/// exported `--runs` times through the real `account.export` job with a worker in this process.
/// Prints one Markdown row per reader and format: the books the export held, the job's own time
/// (median, from its result), its statements, the file's size, and the peak resident memory above
/// the idle process's: all of it (VmHWM after resetting it through /proc/self/clear_refs, against
/// VmRSS just before), which on SQLite counts the pages of the database file it mapped and read,
/// and the anonymous part alone (RssAnon sampled every 2 ms), the process's own memory.
struct ExportBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Benchmark account exports.")

    @Option(help: "Database URL of a seeded catalog (scripts/bench-export seeds it).") var databaseURL: String
    @Option(help: "Folder for the export files.") var dataDir: String
    @Option(help: "Exports of each reader and format.") var runs = 5
    @Option(help: "Formats, comma-separated.") var formats = "bookwyrm,goodreads"

    /// The readers: books shelved, reviews and comments (half each), follows.
    static let readers: [(name: String, books: Int, statuses: Int, follows: Int)] = [
        ("export_one", 1, 0, 0), ("export_heavy", 2_000, 500, 200), ("export_huge", 20_000, 20_000, 200),
    ]

    func run() async throws {
        let url = try DatabaseURL(parsing: databaseURL)
        let database = try await Database.open(url, poolSize: 4, logger: Logger(label: "quire-bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            _ = try await Migrator(database: database).migrate()
            var settings = ExportSettings(dataDirectory: dataDir, publicURL: "https://quire.example")
            settings.interval = .zero
            let queue = JobQueue(database: database, registry: .standard(exports: settings))
            var configuration = WorkerConfiguration()
            configuration.pollInterval = .milliseconds(5)
            let worker = JobWorker(queue: queue, configuration: configuration, periodic: [], logger: Logger(label: "quire-bench"))
            group.addTask { try await worker.run() }
            let editions = try await database.read { db in
                try await db.raw("SELECT count(*) AS n FROM editions").first()?.decode(column: "n", as: Int64.self) ?? 0
            }
            print("| engine | editions | reader | books | statuses | follows | format | job ms (median of \(runs)) | statements | size | peak RSS above idle | peak anonymous RSS above idle |")
            print("|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
            for reader in Self.readers {
                let userID = try await Self.reader(reader, on: database)
                for format in formats.split(separator: ",").compactMap({ ExportFormat(rawValue: String($0)) }) {
                    var times: [Double] = [], peaks: [Int64] = [], anonymousPeaks: [Int64] = []
                    var statements = 0, size: Int64 = 0, books: Int64 = 0
                    for _ in 0..<runs {
                        let (result, memory) = try await MemoryPeaks.measure { try await Self.export(userID: userID, format: format, queue: queue) }
                        anonymousPeaks.append(memory.anonymousAboveIdleKiB)
                        peaks.append(memory.peakAboveIdleKiB)
                        times.append(result.milliseconds)
                        (statements, size, books) = (result.statements, result.size, result.books)
                    }
                    func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
                    print(String(format: "| %@ | %lld | %@ | %lld | %d | %d | %@ | %.1f | %d | %lld kB | %.1f MB | %.1f MB |",
                                 url.engine.rawValue, editions, reader.name, books, reader.statuses, reader.follows,
                                 format.rawValue, median(times), statements, size / 1024, Double(median(peaks)) / 1024,
                                 Double(median(anonymousPeaks)) / 1024))
                }
            }
        }
    }

    struct JobResult: Decodable {
        let books: Int64
        let size: Int64
        let statements: Int
        let milliseconds: Double
    }

    /// One export through the queue, as POST /v1/me/exports starts it; waits for it to end.
    static func export(userID: Int64, format: ExportFormat, queue: JobQueue) async throws -> JobResult {
        let job = try await queue.enqueue { db, enqueue in
            let id = try await ExportQueries.create(userID: userID, format: format.rawValue, jobID: 0, now: Timestamp.microsecondsNow(), on: db)
            let record = try await enqueue(NewJob(kind: AccountExportJob.name, args: "{\"export_id\":\(id)}"))
            try await ExportQueries.attach(id, jobID: record.id, on: db)
            return record
        }
        while true {
            try await Task.sleep(for: .milliseconds(5))
            guard let done = try await queue.database.read({ try await JobQueries.find(job.id, on: $0) }), done.state.isFinished else { continue }
            guard done.state == .succeeded, let result = done.result else { throw ValidationError("export job ended \(done.state): \(done.lastError ?? "")") }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(JobResult.self, from: Data(result.utf8))
        }
    }

    /// The reader's id, made the first time: books from the start of the catalog on their to-read
    /// shelf, reviews and comments of the first of them, follows of the first users.
    static func reader(_ reader: (name: String, books: Int, statuses: Int, follows: Int), on database: Database) async throws -> Int64 {
        if let existing = try await database.read({ try await UserQueries.find(username: reader.name, on: $0) }) { return existing.id }
        return try await database.write { db in
            guard let user = try await UserQueries.create(NewUser(username: reader.name, email: nil, passwordHash: nil), on: db) else {
                throw ValidationError("could not create \(reader.name)")
            }
            try await ShelfQueries.createDefaults(userID: user.id, privacy: "public", on: db)
            let shelf = try await db.raw("SELECT id FROM shelves WHERE user_id = \(bind: user.id) AND identifier = 'to-read'").first()?
                .decode(column: "id", as: Int64.self) ?? 0
            let books = try await db.raw("SELECT id, work_id FROM editions ORDER BY id LIMIT \(bind: reader.books)").all()
                .map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "work_id", as: Int64.self)) }
            let now = Timestamp.microsecondsNow()
            var shelved = BulkInsert("shelf_books", ["shelf_id", "edition_id", "user_id", "work_id", "shelved_at"])
            for (edition, work) in books { try await shelved.add([shelf, edition, user.id, work, now], on: db) }
            try await shelved.flush(on: db)
            var statuses = BulkInsert("statuses", ["user_id", "kind", "edition_id", "work_id", "title", "body", "rating", "privacy", "created_at"])
            for index in 0..<reader.statuses {
                let (edition, work) = books[index % books.count]
                let review = index % 2 == 0
                try await statuses.add([user.id, review ? "review" : "comment", edition, work, review ? "A review \(index)" : nil as String?,
                                        String(repeating: "Some thoughts on the book. ", count: 8), review ? 1 + index % 10 : nil as Int?,
                                        "public", now + Int64(index)], on: db)
            }
            try await statuses.flush(on: db)
            try await db.raw("""
                INSERT INTO follows (follower_id, followee_id, created_at)
                SELECT \(bind: user.id), id, \(bind: now) FROM users WHERE id <> \(bind: user.id) ORDER BY id LIMIT \(bind: reader.follows)
                """).run()
            return user.id
        }
    }

}
