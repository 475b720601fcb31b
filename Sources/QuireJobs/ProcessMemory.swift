#if canImport(Glibc)
import Glibc
#endif

/// How the process's C allocator keeps freed memory, set once at start-up by every Quire
/// executable (`quire` and `quire-bench`), before the work that allocates begins.
///
/// glibc gives each thread that allocates its own arena, up to 8 a core: 16 here, and Quire
/// allocates on many threads (the concurrency pool's, NIO's event loops, SQLite's connection
/// threads). Memory freed into an arena stays there, resident, for that arena's next
/// allocations. A batch job's buffers pass from thread to thread with each statement, so every
/// arena grew to the largest batch it had seen, and the freed space in all of them together grew
/// with the length of the run: catalog.similar over 500,000 works held 24 MB of arenas for 5.5 MB
/// in use (glibc's `malloc_stats` in the running process), and peaked 19% above the 5,000-work
/// run; issue 15 allows 20%. Two arenas keep the freed space in two places, where it is reused.
public enum ProcessMemory {
    /// The arenas glibc may create. Two for two threads allocating at once; more threads wait on
    /// an arena's lock now and then, which costs far less than a request's statement.
    public static let arenas: Int32 = 2

    /// Caps the arenas (glibc only; elsewhere the allocator's own policy stands). The
    /// environment's `MALLOC_ARENA_MAX`, when set, is the operator's choice and wins.
    public static func configure() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // mallopt is declared in <malloc.h>, which the Glibc module leaves out; it is looked up
        // by name rather than through a C target of its own. M_ARENA_MAX is -8 in every glibc.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, arenas)
        #endif
    }
}
