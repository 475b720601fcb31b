import Hummingbird
import QuireStore

/// Liveness and readiness probes.
public struct HealthController: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/healthz", use: healthz)
        router.get("/readyz", use: readyz)
    }

    struct Status: ResponseEncodable {
        let status: String
        var database: String?
    }

    /// The process is up and serving.
    @Sendable func healthz(_ request: Request, context: QuireRequestContext) async throws -> Status {
        Status(status: "ok")
    }

    /// The database answers a trivial query.
    @Sendable func readyz(_ request: Request, context: QuireRequestContext) async throws -> Response {
        do {
            try await database.ping(timeout: .seconds(2))
            return try context.responseEncoder.encode(Status(status: "ok", database: database.engine.rawValue), from: request, context: context)
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "database_unavailable", message: "the database does not answer")
        }
    }
}
