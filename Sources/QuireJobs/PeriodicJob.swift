import Foundation
import QuireStore

/// A job enqueued on a cron schedule, once per period across every process.
public struct PeriodicJob: Sendable {
    public let name: String
    public let cron: Cron
    public let job: NewJob

    public init(name: String, cron: Cron, job: NewJob) {
        self.name = name
        self.cron = cron
        self.job = job
    }
}

extension JobWorker {
    /// Sleeps until the next period of each periodic job; the process whose insert into
    /// `periodic_runs` wins enqueues it, the others skip that period.
    func schedulePeriodic() async {
        guard !periodic.isEmpty else { return }
        var next = periodic.map { $0.cron.next(after: Date()) }
        while !Task.isCancelled {
            guard let soonest = next.compactMap({ $0 }).min() else { return }
            let wait = soonest.timeIntervalSinceNow
            if wait > 0 { try? await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1)) }
            if Task.isCancelled { return }
            for (index, item) in periodic.enumerated() {
                guard let due = next[index], due <= Date() else { continue }
                next[index] = item.cron.next(after: due)
                let start = Timestamp.microseconds(due)
                do {
                    // Claiming the period and enqueueing its job commit together, so a crash between
                    // them can't leave a period claimed with no job.
                    let job = queue.prepared(item.job)
                    let enqueued = try await database.write { db -> (job: JobRecord, created: Bool)? in
                        guard try await JobQueries.claimPeriod(name: item.name, periodStart: start, on: db) else { return nil }
                        return try await JobQueries.enqueue(job, now: Timestamp.microsecondsNow(), on: db)
                    }
                    if let enqueued {
                        queue.signal.notify()
                        if enqueued.created { JobMetrics.changed(kind: enqueued.job.kind, to: enqueued.job.state) }
                    }
                } catch {
                    logger.warning("enqueueing periodic job failed", metadata: ["name": "\(item.name)", "error": "\(error)"])
                }
            }
        }
    }
}
