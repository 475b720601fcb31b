import ArgumentParser
import QuireJobs

/// Macro benchmarks that need more than a load tool: run from scripts/bench on a release build.
@main
struct QuireBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quire-bench", subcommands: [JobsBenchmark.self, HotRowBenchmark.self, ExportBenchmark.self, NightlyBenchmark.self])

    /// As `quire` does, so that the memory measured is what a `quire worker` would use.
    static func main() async {
        ProcessMemory.configure()
        await main(nil)
    }
}
