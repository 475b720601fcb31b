import QuireJobs

/// Sets glibc's allocator up once per process, before the work starts (`ProcessMemory.trimThreshold`).
public enum MemorySetup {
    public static func bootstrap() {
        ProcessMemory.keepFreedSpace()
    }
}
