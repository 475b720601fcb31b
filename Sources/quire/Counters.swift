import ArgumentParser
import Foundation
import QuireApp
import QuireStore

struct Counters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recount the displayed counters and report (check) or fix (repair) any drift.",
        subcommands: [Check.self, Repair.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print any drift; exit status 1 when there is some.")
        @OptionGroup var options: ConfigurationOptions
        func run() async throws { try await audit(options, repair: false) }
    }

    struct Repair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fix any drift, printing what was fixed.")
        @OptionGroup var options: ConfigurationOptions
        func run() async throws { try await audit(options, repair: true) }
    }

    static func audit(_ options: ConfigurationOptions, repair: Bool) async throws {
        let configuration = try startUp(options.overrides)
        let drift: [CounterDrift]
        do {
            drift = try await Commands.auditCounters(configuration, repair: repair) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            fail(error)
        }
        for item in drift { print((repair ? "repaired " : "drift ") + item.description) }
        print("\(drift.count) counters \(repair ? "repaired" : "drifted")")
        if !repair, !drift.isEmpty { throw ExitCode(1) }
    }
}
