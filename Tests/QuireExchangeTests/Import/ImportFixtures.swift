import Foundation

/// The real export files in Tests/Fixtures (a Goodreads library export and a BookWyrm account
/// archive, as those services write them), found from this file's place in the repository so
/// the tests run from any checkout.
enum ImportFixtures {
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}
