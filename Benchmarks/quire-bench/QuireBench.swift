import ArgumentParser

/// Macro benchmarks that need more than a load tool: run from scripts/bench on a release build.
@main
struct QuireBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quire-bench", subcommands: [JobsBenchmark.self, HotRowBenchmark.self, ExportBenchmark.self, NightlyBenchmark.self])
}
