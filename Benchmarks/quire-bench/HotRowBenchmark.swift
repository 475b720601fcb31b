import ArgumentParser
import Foundation
import Logging
import QuireCore
import QuireStore

/// The hot-row measurement of the social layer: many clients liking and unliking one status at
/// once, each act its own write transaction as an API request makes it. Run twice: with likers
/// spread over all of the status's counter shards (as real users are), and with likers whose ids
/// all land on one shard, which is what a single unsharded counter row would be. Prints one
/// Markdown table row per run and checks the count is exact afterwards.
struct HotRowBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hot-likes", abstract: "Benchmark concurrent likes of one status.")

    @Option(help: "Database URL.") var databaseURL: String
    @Option(help: "Concurrent clients, each a different user.") var clients = 64
    @Option(help: "Like-and-unlike pairs per client.") var pairs = 100
    @Flag(help: "Pick likers whose ids all fall on one counter shard (an unsharded row).") var oneShard = false

    func run() async throws {
        let url = try DatabaseURL(parsing: databaseURL)
        let database = try await Database.open(url, poolSize: min(clients, 64), logger: Logger(label: "quire-bench"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await database.ping()
            _ = try await Migrator(database: database).migrate()
            let run = UUID().uuidString.prefix(8).lowercased()
            let (status, likers) = try await database.write { db -> (StatusRecord, [Int64]) in
                var ids: [Int64] = []
                for index in 0..<(clients * Int(Counters.shardCount)) {
                    if let user = try await UserQueries.create(NewUser(username: "hot\(run)_\(index)", email: nil, passwordHash: nil), on: db) {
                        ids.append(user.id)
                    }
                }
                let status = try await StatusQueries.create(
                    NewStatus(userID: ids[0], kind: .note, edition: nil, body: "hot", privacy: .public), on: db)
                let shard = ids[0] % Counters.shardCount
                return (status, Array((oneShard ? ids.filter { $0 % Counters.shardCount == shard } : ids).prefix(clients)))
            }
            let start = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { clientsGroup in
                for liker in likers {
                    clientsGroup.addTask {
                        var own: [Double] = []
                        for _ in 0..<pairs {
                            for like in [true, false] {
                                let began = ContinuousClock.now
                                try await database.write { db in
                                    if like { try await LikeQueries.like(status, by: liker, on: db) } else { try await LikeQueries.unlike(status.id, by: liker, on: db) }
                                }
                                own.append(Self.milliseconds(ContinuousClock.now - began))
                            }
                        }
                        return own
                    }
                }
                return try await clientsGroup.reduce(into: []) { $0 += $1 }
            }.sorted()
            let seconds = Self.milliseconds(ContinuousClock.now - start) / 1000
            let stored = try await database.read { db in
                try await db.raw("SELECT status_id, likes FROM status_counts WHERE status_id = \(bind: status.id)").all()
                    .reduce(Int64(0)) { $0 + (try $1.decode(column: "likes", as: Int64.self)) }
            }
            let shards = Set(likers.map { $0 % Counters.shardCount }).count
            let p = { (q: Double) in latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
            print("| \(url.engine) | \(likers.count) | \(shards) | \(latencies.count) | \(Int(Double(latencies.count) / seconds)) | "
                  + "\(String(format: "%.2f", p(0.5))) | \(String(format: "%.2f", p(0.99))) | \(stored == 0 ? "exact (0)" : "DRIFT \(stored)") |")
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
