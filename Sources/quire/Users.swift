import ArgumentParser
import Foundation
import QuireApp

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts from the command line.", subcommands: [Create.self, GrantAdmin.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints a generated password when none is given.")

        @Argument(help: "The username.") var name: String
        @Flag(help: "Make the account an administrator.") var admin = false
        @Option(help: "Email address.") var email: String?
        @Option(help: "Password (else QUIRE_NEW_PASSWORD, else one is generated and printed).") var password: String?
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration = try startUp(options.overrides)
            do {
                let given = password ?? ProcessInfo.processInfo.environment["QUIRE_NEW_PASSWORD"]
                let used = try await Commands.createUser(configuration, username: name, email: email, password: given, admin: admin)
                print("created \(admin ? "administrator" : "user") \(name)" + (given == nil ? " with password \(used)" : ""))
            } catch {
                fail(error)
            }
        }
    }

    struct GrantAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "grant-admin", abstract: "Make an existing account an administrator.")

        @Argument(help: "The username.") var name: String
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let configuration = try startUp(options.overrides)
            do {
                try await Commands.grantAdmin(configuration, username: name)
                print("\(name) is now an administrator")
            } catch {
                fail(error)
            }
        }
    }
}
