import ArgumentParser
import Foundation
import QuireApp
import QuireStore

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fill the database with deterministic synthetic data for benchmarks.")

    @Option(help: "Users (each with the four default shelves).") var users = 0
    @Option(help: "Authors.") var authors = 0
    @Option(help: "Works (one or two authors each).") var works = 0
    @Option(help: "Editions (the first one per work, the rest on random works).") var editions = 0
    @Option(help: "Shelvings, spread evenly over the users.") var shelvings = 0
    @Option(help: "Statuses, spread over the users; the celebrity and tenfollowers accounts post a share.") var statuses = 0
    @Option(help: "Boosts of random public statuses.") var boosts = 0
    @Option(help: "Likes, a fifth of them on the celebrity's statuses.") var likes = 0
    @Option(help: "Other users each user follows.") var followsPerUser = 0
    @Option(help: "Followers of the celebrity account: the users, then follower-only accounts up to this number.") var celebrityFollowers = 0
    @Option(help: "Users the deepreader account follows, for a deep home timeline.") var deepFollows = 0
    @Option(help: "Random seed: the same seed makes the same data.") var seed: UInt64 = 1
    @OptionGroup var options: ConfigurationOptions

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func run() async throws {
        let configuration = try startUp(options.overrides)
        var plan = SeedPlan()
        (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings, plan.seed) = (users, authors, works, editions, shelvings, seed)
        (plan.statuses, plan.boosts, plan.likes, plan.followsPerUser) = (statuses, boosts, likes, followsPerUser)
        (plan.celebrityFollowers, plan.deepFollows, plan.fanoutLimit) = (celebrityFollowers, deepFollows, configuration.fanoutLimit)
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1, command: "seed")
        do {
            let start = ContinuousClock.now
            let rows = try await Commands.seed(configuration, plan: plan) { table, done, total in bar.show(table, done, total) }
            let seconds = Self.seconds(start.duration(to: .now))
            bar.finish()
            print(String(format: "seeded %d rows in %.1f s (%.0f rows/s)", rows, seconds, Double(rows) / max(seconds, 0.001)))
        } catch {
            bar.finish()
            fail(error)
        }
    }
}

/// Progress on standard error: a one-line bar in a terminal; otherwise a line when a phase ends,
/// with the seconds since the seed began, so a benchmark's log shows where a long seed spent them.
