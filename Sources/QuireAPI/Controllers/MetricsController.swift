import Foundation
import Hummingbird
import Metrics
import Prometheus
import QuireStore

/// Prometheus metrics.
///
///     GET /metrics   the text exposition format; with a configured token, only for `Bearer <token>`
public struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let database: Database
    let token: String?

    public init(registry: PrometheusCollectorRegistry, database: Database, token: String?) {
        self.registry = registry
        self.database = database
        self.token = token
    }

    public func addRoutes(to router: Router<QuireRequestContext>) {
        router.get("/metrics", use: metrics)
    }

    @Sendable func metrics(_ request: Request, context: QuireRequestContext) async throws -> Response {
        if let token {
            let given = request.headers[.authorization] ?? ""
            // Compared in constant time, so response timing doesn't reveal the token a byte at a time.
            guard Self.constantTimeEqual(given, "Bearer " + token) else {
                throw APIError(.unauthorized, code: "unauthorized", message: "metrics need the configured bearer token")
            }
        }
        // Values that are read when scraped rather than counted as they happen.
        if let rss = Self.residentMemoryBytes() {
            Gauge(label: "quire_process_resident_memory_bytes").record(rss)
        }
        if let pool = await database.poolUsage() {
            Gauge(label: "quire_db_connections_in_use").record(pool.inUse)
            Gauge(label: "quire_db_connections_waiting").record(pool.waiting)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: MetricsHelp.annotate(registry.emitToString()))))
    }

    /// Resident set size from /proc/self/statm (Linux), in bytes.
    static func residentMemoryBytes() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
