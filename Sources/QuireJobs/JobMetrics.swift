import Metrics
import QuireCore
import QuireStore
import Synchronization

/// The queue's Prometheus instruments. Labels are job kinds and states, both small sets fixed by
/// code, never job ids or arguments.
///
/// - `quire_jobs_total{kind,state}`: state changes made by this process (enqueued as queued or
///   scheduled, claimed as running, then succeeded, failed with a retry scheduled, discarded,
///   cancelled, or queued again when a worker stops or dies).
/// - `quire_job_duration_seconds{kind}`: how long attempts ran, whatever their outcome.
/// - `quire_job_pickup_latency_seconds{kind}`: claim time minus the time the job became ready.
/// - `quire_jobs_queue_depth`: jobs ready to run now, sampled by the workers' maintenance loop.
enum JobMetrics {
    private struct Key: Hashable {
        let kind: String
        let state: JobState
    }

    private struct Instruments {
        var counters: [Key: Counter] = [:]
        var durations: [String: Metrics.Timer] = [:]
        var pickups: [String: Metrics.Timer] = [:]
    }

    // Made once per label set: asking the factory for an instrument on every job would take its
    // lock and check the labels each time. Kinds are few, so this stays small.
    private static let instruments = Mutex(Instruments())

    /// Counts each job as having entered the state it is in: one increment a kind and state.
    static func entered(_ jobs: [JobRecord]) {
        for (key, count) in Dictionary(jobs.map { (Key(kind: $0.kind, state: $0.state), 1) }, uniquingKeysWith: +) {
            changed(kind: key.kind, to: key.state, count: count)
        }
    }

    static func changed(kind: String, to state: JobState, count: Int = 1) {
        guard count > 0 else { return }
        let key = Key(kind: kind, state: state)
        let counter = instruments.withLock { made in
            if let counter = made.counters[key] { return counter }
            let counter = Counter(label: "quire_jobs_total", dimensions: [("kind", kind), ("state", state.rawValue)])
            made.counters[key] = counter
            return counter
        }
        counter.increment(by: count)
    }

    static func ran(kind: String, for duration: Duration) {
        timer(\.durations, "quire_job_duration_seconds", kind: kind).recordMicroseconds(duration.microseconds)
    }

    /// `claimedAt` minus when the job became ready to run: its enqueue, or its `run_after` when
    /// that is later (a scheduled job or a retry). Clamped at zero, since processes' clocks differ.
    static func pickedUp(_ job: JobRecord, claimedAt: Int64) {
        let waited = max(0, claimedAt - max(job.createdAt, job.runAfter))
        timer(\.pickups, "quire_job_pickup_latency_seconds", kind: job.kind).recordMicroseconds(waited)
    }

    static func queueDepth(_ jobs: Int) {
        Gauge(label: "quire_jobs_queue_depth").record(jobs)
    }

    private static func timer(_ cache: WritableKeyPath<Instruments, [String: Metrics.Timer]>, _ label: String, kind: String) -> Metrics.Timer {
        instruments.withLock { made in
            if let timer = made[keyPath: cache][kind] { return timer }
            let timer = Metrics.Timer(label: label, dimensions: [("kind", kind)])
            made[keyPath: cache][kind] = timer
            return timer
        }
    }
}
