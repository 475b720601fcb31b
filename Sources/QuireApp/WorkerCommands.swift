import Foundation
import Hummingbird
import Logging
import QuireAPI
import QuireJobs
import QuireStore
import ServiceLifecycle

extension Commands {
    /// `quire worker`: runs jobs, with no HTTP server, until SIGTERM or SIGINT; then it stops
    /// claiming, lets its jobs finish within `shutdownGrace`, and closes the database last.
    public static func worker(_ configuration: QuireConfiguration) async throws {
        let logger = Logger(label: "quire")
        let database = try await Database.open(
            configuration.databaseURL, poolSize: configuration.poolSize, slowStatementThreshold: configuration.slowStatementThreshold,
            sqliteCacheKiB: configuration.sqliteCacheKiB, cacheLimits: configuration.cacheLimits, logger: logger)
        let queue = JobQueue(database: database, registry: .standard(exports: configuration.exports, imports: configuration.imports))
        var worker = configuration.worker
        if worker.concurrency == 0 { worker.concurrency = WorkerConfiguration().concurrency }
        let jobWorker = JobWorker(queue: queue, configuration: worker, periodic: Schedule.periodicJobs(configuration), logger: logger)
        let migrations = StartupMigrations(database: database, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: DatabaseService(database))]
        if let port = configuration.metricsPort {
            // The worker's own job metrics (its claims, durations, pick-up latency) are only in
            // this process, so it answers scrapes itself; stopped before the worker, as serve's server is.
            let router = Router(context: QuireRequestContext.self)
            HealthController(database: database).addRoutes(to: router)
            MetricsSetup.bootstrap()
            MetricsController(registry: MetricsSetup.registry, database: database, token: configuration.metricsToken).addRoutes(to: router)
            services.append(.init(service: Application(
                router: router, configuration: .init(address: .hostname(configuration.host, port: port), serverName: "quire-worker"), logger: logger)))
        }
        services.append(.init(service: AfterMigrations(migrations: migrations, service: jobWorker)))
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = configuration.shutdownGrace
        group.maximumCancellationDuration = Self.cancellationLimit
        try await ServiceGroup(configuration: group).run()
    }

    /// `quire jobs list|show|cancel|retry`.
    public static func jobs<T: Sendable>(_ configuration: QuireConfiguration, _ body: @escaping @Sendable (JobQueue) async throws -> T) async throws -> T {
        try await withDatabase(configuration) { database in
            try await body(JobQueue(database: database, registry: .standard(exports: configuration.exports, imports: configuration.imports)))
        }
    }
}
