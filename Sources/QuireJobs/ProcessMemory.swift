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
/// and requests keep glibc's defaults.
public enum ProcessMemory {
    /// Returns the free memory of every arena to the system (`malloc_trim(0)`; glibc only, a
    /// no-op elsewhere). Each call walks the arenas: a fraction of a millisecond between
    /// batches that take tens of milliseconds each.
    public static func returnFreed() {
        #if canImport(Glibc)
        // malloc_trim is declared in <malloc.h>, which the Glibc module leaves out: it is looked
        // up by name once rather than through a C target of its own.
        guard let trim = mallocTrim else { return }
        _ = trim(0)
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
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: MallocTrim.self) }
    #endif
}
