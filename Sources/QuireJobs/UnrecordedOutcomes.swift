import QuireStore
import Synchronization

/// Outcomes of this worker's jobs that the database refused to record (an outage, a write that
/// failed), kept to be written again at each heartbeat until they land (`JobWorker.recordRefused`).
///
/// Why: such an outcome used to be logged and dropped, and its job stayed `running` for good. The
/// live worker's heartbeat beats every running job under its name, so the rescuer, which puts back
/// only jobs whose heartbeat went stale, never took it either. If the process dies before the
/// outcome lands, its heartbeats stop and the rescuer puts the job back, as for any job it held.
final class UnrecordedOutcomes: Sendable {
    /// What `JobQueries.finish` writes for one job, as it was when the job ended.
    struct Finish: Sendable {
        let job: Int64
        let kind: String
        let state: JobState
        let result: String?
        let error: String?
        let runAfter: Int64?
        let uncountAttempt: Bool
        let at: Int64
    }

    private let pending = Mutex<[Int64: Finish]>([:])

    func add(_ finish: Finish) { pending.withLock { $0[finish.job] = finish } }

    /// The outcomes waiting, oldest job first.
    var waiting: [Finish] { pending.withLock { $0.values.sorted { $0.job < $1.job } } }

    func remove(_ job: Int64) { _ = pending.withLock { $0.removeValue(forKey: job) } }
}
