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
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Bootstraps once per process; later calls do nothing.
    public static func bootstrap() { _ = registry }
}
