import Metrics
import Synchronization

/// Publishes what a counter check or repair found, by counter table:
/// `quire_count_drift_rows{table}`, the rows that differed from a recount in the last run in
/// this process, and `quire_count_drift_found_total{table}`, every drifted row any run found.
/// Callers pass `CounterAudit`'s report; the audit itself stays free of metrics. (Not
/// `quire_counter_...`: promtool refuses a metric name holding a type's name.)
public enum CounterDriftMeter {
    /// Tables whose gauge is written on every run, so a clean run shows 0 instead of no series.
    /// A counter table not listed here gets its series from its first drift on.
    private static let tables = Mutex<Set<String>>(["shelf_counts", "user_counts", "user_work_shelvings", "work_counts"])

    public static func record(_ drift: [CounterDrift]) {
        let found = Dictionary(drift.map { (table(of: $0), 1) }, uniquingKeysWith: +)
        let known = tables.withLock { tables in
            tables.formUnion(found.keys)
            return tables
        }
        for table in known.sorted() {
            let rows = found[table] ?? 0
            Gauge(label: "quire_count_drift_rows", dimensions: [("table", table)]).record(rows)
            // Made even at zero, so the family is there to alert on before anything drifts.
            Counter(label: "quire_count_drift_found_total", dimensions: [("table", table)]).increment(by: rows)
        }
    }

    /// `shelf_counts.books` counts in table `shelf_counts`.
    static func table(of drift: CounterDrift) -> String {
        String(drift.counter.prefix { $0 != "." })
    }
}
