import ArgumentParser
import Foundation
import QuireApp
import QuireCore
import QuireExchange

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a library file into one reader's account, as POST /v1/me/imports does, without the job queue.")

    @Argument(help: "The reader's username.") var username: String
    @Argument(help: "The file: a Goodreads, StoryGraph, LibraryThing, OpenLibrary, Calibre, Openreads or BookWyrm export.") var file: String
    @Option(help: "The file's format (recognised from its contents when left out).") var format: String?
    @Option(help: "Who sees imported reviews: public, unlisted, followers or direct (default: the account's default).") var privacy: String?
    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try startUp(options.overrides)
        var chosen: ImportFormat?
        if let format {
            guard let parsed = ImportFormat(rawValue: format) else { fail(ValidationError("--format must be one of \(ImportFormat.names), got \(format)")) }
            chosen = parsed
        }
        var audience: StatusPrivacy?
        if let privacy {
            guard let parsed = StatusPrivacy(rawValue: privacy) else {
                fail(ValidationError("--privacy must be one of \(StatusPrivacy.allCases.map(\.rawValue).joined(separator: ", ")), got \(privacy)"))
            }
            audience = parsed
        }
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1, command: "import")
        do {
            let start = ContinuousClock.now
            let outcome = try await Commands.importAccount(
                configuration, username: username, file: file, format: chosen, privacy: audience
            ) { done, total in
                bar.show("rows", Int(clamping: done), Int(clamping: total))
            }
            bar.finish()
            let seconds = Seed.seconds(start.duration(to: .now))
            print(String(format: "imported %lld rows in %.2f s: %lld matched, %lld created, %lld skipped, %lld failed (import %lld)",
                         outcome.rows, seconds, outcome.matched, outcome.created, outcome.skipped, outcome.failed, outcome.importId))
        } catch let error as ImportFileError {
            bar.finish()
            fail(ValidationError("\(file): \(error.message)"))
        } catch {
            bar.finish()
            fail(error)
        }
    }
}
