import ArgumentParser
import Foundation
import QuireApp
import QuireStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, or list them with --status.")

    @Flag(help: "List applied and pending migrations without applying any.")
    var status = false
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try startUp(options.overrides)
        let showStatus = status
        do {
            let lines = try await Commands.withDatabase(configuration) { database in
                let migrator = Migrator(database: database)
                if showStatus {
                    let status = try await migrator.status()
                    return status.applied.map { "applied  \(String(format: "%03d", $0.version))  \($0.name)  \($0.appliedAt.ISO8601Format())" }
                        + status.pending.map { "pending  \(String(format: "%03d", $0.version))  \($0.name)" }
                }
                let applied = try await migrator.migrate()
                return applied.isEmpty ? ["nothing to apply"] : applied.map { "applied  \(String(format: "%03d", $0.version))  \($0.name)" }
            }
            print(lines.joined(separator: "\n"))
        } catch {
            fail(error)
        }
    }
}
