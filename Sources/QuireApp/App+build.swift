import Hummingbird
import Logging
import QuireAPI
import QuireJobs
import QuireStore
import QuireWeb

/// The route table: every controller and the middleware in front of them.
public func buildRouter(
    database: Database, configuration: QuireConfiguration, queue: JobQueue? = nil
) -> (Router<QuireRequestContext>, RouteTable) {
    let queue = queue ?? JobQueue(database: database, registry: .standard(exports: configuration.exports, imports: configuration.imports))
    let router = Router(context: QuireRequestContext.self)
    let routes = RouteTable()
    let sessions = SessionCache(ttl: configuration.sessionCacheTTL, caches: database.caches)
    APIMiddleware.add(to: router, routes: routes, database: database, sessions: sessions, maxBodyBytes: configuration.maxBodyBytes,
        uploads: [ImportsController.uploadPath: configuration.maxImportBytes, WebPages.importUploadPath: configuration.maxImportBytes])
    HealthController(database: database).addRoutes(to: router)
    let accounts = AccountsController(database: database, bcryptCost: configuration.bcryptCost)
    accounts.addRoutes(to: router)
    // One sessions controller, so the API's and the sign-in page's attempts count in one throttle.
    let sessionsController = SessionsController(
        database: database, bcryptCost: configuration.bcryptCost, trustedProxies: configuration.trustedProxies)
    sessionsController.addRoutes(to: router)
    let me = MeController(database: database)
    me.addRoutes(to: router)
    EditionsController(database: database).addRoutes(to: router)
    WorksController(database: database).addRoutes(to: router)
    ShelvesController(database: database).addRoutes(to: router)
    SearchController(database: database).addRoutes(to: router)
    ReadthroughsController(database: database).addRoutes(to: router)
    JobsController(queue: queue, startable: Schedule.startable(configuration)).addRoutes(to: router)
    let exports = ExportsController(queue: queue, settings: configuration.exports)
    exports.addRoutes(to: router)
    let imports = ImportsController(queue: queue, settings: configuration.imports)
    imports.addRoutes(to: router)
    StatusesController(database: database).addRoutes(to: router)
    let users = UsersController(database: database, fanoutLimit: configuration.fanoutLimit)
    users.addRoutes(to: router)
    TimelinesController(database: database).addRoutes(to: router)
    NotificationsController(database: database).addRoutes(to: router)
    MetricsSetup.bootstrap()
    MetricsController(registry: MetricsSetup.registry, database: database, token: configuration.metricsToken).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    WebPages(
        database: database, sessionCache: sessions, accounts: accounts, sessions: sessionsController, users: users, me: me, imports: imports, exports: exports,
        secureCookies: configuration.exports.publicURL.lowercased().hasPrefix("https:"), logger: Logger(label: "quire.web")
    ).addRoutes(to: router, routes: routes)
    APIMiddleware.finish(router, routes: routes)
    return (router, routes)
}

/// The HTTP application with the database as a service started before it and stopped after it.
/// Migrations run before the server accepts its first connection.
public func buildApplication(database: Database, configuration: QuireConfiguration, logger: Logger) -> some ApplicationProtocol {
    let queue = JobQueue(database: database, registry: .standard(exports: configuration.exports, imports: configuration.imports))
    let (router, _) = buildRouter(database: database, configuration: configuration, queue: queue)
    // Started in this order and stopped in reverse: the server stops first, then the worker
    // finishes its jobs, and the database closes last.
    // The worker and the server both wait for the migrations, which run once.
    let worker = JobWorker(queue: queue, configuration: configuration.worker, periodic: Schedule.periodicJobs(configuration), logger: logger)
    let migrations = StartupMigrations(database: database, logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "quire"),
        services: [DatabaseService(database), queue.batcher, AfterMigrations(migrations: migrations, service: worker)],
        logger: logger
    )
    app.beforeServerStarts { try await migrations.applied() }
    return app
}
