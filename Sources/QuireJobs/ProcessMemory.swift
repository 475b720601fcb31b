import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hands the memory a batch freed back to the system, between the batches of long jobs.
///
/// glibc gives each thread that allocates an arena of its own, up to 8 a core, and Quire
/// allocates on many threads (the concurrency pool's, NIO's event loops, SQLite's connection
/// threads). Memory freed into an arena stays resident there for that arena's next allocations.
/// A batch's buffers are freed on whichever thread the next statement resumes on, so over a long
/// run every arena came to hold freed space, growing with the run's length: catalog.similar over
/// 500,000 works had 8 arenas holding 24.1 MB for 5.5 MB in use (glibc's `malloc_stats`, called
/// in the running process), and peaked 19% above the 5,000-work run, where issue 15 allows 20%.
///
/// Capping the arenas at 2 for the whole process fixed the job (1.10 and 1.11) but cost
/// request handling on SQLite up to a quarter (the home timeline 547 req/s against 739, its
/// connections each on a thread of their own now shared two arenas), so the jobs trim instead,
/// and requests keep glibc's arenas (with a larger trim threshold, `trimThreshold`).
public enum ProcessMemory {
    /// Returns the free memory of every arena to the system (`malloc_trim(0)`; glibc only, a
    /// no-op elsewhere). Each call walks the arenas: a fraction of a millisecond between
    /// batches that take tens of milliseconds each.
    public static func returnFreed() {
        #if canImport(Glibc)
        // malloc_trim and mallopt are declared in <malloc.h>, which the Glibc module leaves out:
        // they are looked up by name once rather than through a C target of their own.
        guard let trim = mallocTrim else { return }
        _ = trim(0)
        #endif
    }

    /// How much free memory at the top of an arena glibc keeps instead of handing it back at once
    /// (`mallopt(M_TRIM_THRESHOLD)`), set by every `quire` process when it starts.
    ///
    /// glibc's default, 128 KiB, made a request's frees give memory back and its next
    /// allocations take it again: under a home timeline load (release, SQLite, 64 connections)
    /// `madvise` and the TLB flushes it sends to the other core were 12% of CPU. At 1 MiB the same
    /// load served 2,523 to 2,740 req/s against 1,627 to 1,843, and the server's anonymous memory
    /// after it was 10.9 to 11.8 MB against 10.3 to 11.0. Setting it also fixes glibc's mmap
    /// threshold at 128 KiB instead of letting it grow with the largest block freed.
    public static let trimThreshold = 1 << 20

    /// Sets `trimThreshold` (glibc only); true when glibc took it.
    @discardableResult
    public static func keepFreedSpace(upTo bytes: Int = trimThreshold) -> Bool {
        #if canImport(Glibc)
        guard let setOption = mallopt, let value = Int32(exactly: bytes) else { return false }
        return setOption(mTrimThreshold, value) == 1
        #else
        return false
        #endif
    }

    /// A figure of /proc/self/status in kB (`VmHWM`, `RssAnon`, ...); 0 where there is none.
    /// The benchmarks sample it around a job, and a test reads it around a trim.
    public static func statusKiB(_ field: String) -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return 0 }
        return Int64(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
    }

    #if canImport(Glibc)
    /// <malloc.h>'s M_TRIM_THRESHOLD.
    private static let mTrimThreshold: Int32 = -1
    private typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
    private static let mallopt: MallOpt? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        .map { unsafeBitCast($0, to: MallOpt.self) }
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif
}
