import QuireJobs

/// The process's memory around one piece of work (an export, a nightly job), from
/// /proc/self/status: the resident high-water mark, reset first by writing 5 to
/// /proc/self/clear_refs, and the anonymous resident size sampled every 2 ms, each also as the
/// growth over what the process held before. All in kB.
struct MemoryPeaks {
    let peakKiB: Int64
    let peakAboveIdleKiB: Int64
    let anonymousAboveIdleKiB: Int64

    static func measure<T>(_ work: () async throws -> T) async throws -> (T, MemoryPeaks) {
        let idle = ProcessMemory.statusKiB("VmRSS"), idleAnonymous = ProcessMemory.statusKiB("RssAnon")
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let sampler = Task {
            var highest: Int64 = 0
            while !Task.isCancelled {
                highest = max(highest, ProcessMemory.statusKiB("RssAnon"))
                try? await Task.sleep(for: .milliseconds(2))
            }
            return highest
        }
        let result: T
        do { result = try await work() } catch { sampler.cancel(); throw error }
        sampler.cancel()
        let anonymous = await sampler.value
        let peak = ProcessMemory.statusKiB("VmHWM")
        return (result, MemoryPeaks(peakKiB: peak, peakAboveIdleKiB: max(0, peak - idle), anonymousAboveIdleKiB: max(0, anonymous - idleAnonymous)))
    }
}
