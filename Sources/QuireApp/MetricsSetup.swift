import Metrics
import Prometheus

/// swift-metrics backed by one Prometheus registry per process, served at /metrics. Bootstrapped
/// before anything records a metric: instruments made earlier would stay no-ops.
public enum MetricsSetup {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // SQL statements and requests here take microseconds to milliseconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        // A job runs from a millisecond (a no-op) to an hour (a full counter repair); an idle
        // worker picks one up within milliseconds, a busy queue within seconds or more.
        factory.durationHistogramBuckets["quire_job_duration_seconds"] = [
            .milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10), .seconds(60),
            .seconds(300), .seconds(900), .seconds(3600),
        ]
        factory.durationHistogramBuckets["quire_job_pickup_latency_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(300),
        ]
        // Around the 80 ms past which the caches of a process on PostgreSQL stop serving.
        factory.durationHistogramBuckets["quire_cache_echo_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(80), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        factory.valueHistogramBuckets["quire_http_request_statements"] = [0, 1, 2, 3, 4, 6, 10, 20, 50, 100]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Bootstraps once per process; later calls do nothing.
    public static func bootstrap() { _ = registry }
}
