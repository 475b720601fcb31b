import Logging
import QuireStore
import ServiceLifecycle
import Synchronization

/// Pending migrations, applied once per process before anything touches the schema. The server
/// and the job worker start side by side in one service group, so each waits here first: before,
/// a worker on a new database claimed jobs before the jobs table existed ("no such table: jobs").
final class StartupMigrations: Sendable {
    let database: Database
    let logger: Logger
    /// The one migration run of this process, shared by every caller; a failed run is shared
    /// too, and stops whichever service awaited it.
    private let run = Mutex<Task<Void, any Error>?>(nil)

    init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func applied() async throws {
        let task = run.withLock { current in
            if let current { return current }
            let (database, logger) = (database, logger)
            let task = Task {
                try await database.ping(timeout: .seconds(10))
                let applied = try await Migrator(database: database).migrate()
                if !applied.isEmpty { logger.info("applied migrations", metadata: ["versions": "\(applied.map(\.version))"]) }
            }
            current = task
            return task
        }
        try await task.value
    }
}

/// A service that starts only once migrations are applied.
struct AfterMigrations: Service {
    let migrations: StartupMigrations
    let service: any Service

    func run() async throws {
        try await migrations.applied()
        try await service.run()
    }
}
