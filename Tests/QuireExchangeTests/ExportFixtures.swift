import Foundation
import QuireCore
import QuireExchange

/// The library the export tests write (default shelvings carry names other than BookWyrm's, so
/// the tests see the formats put BookWyrm's names in): awkward text in every field that can hold it, a book on a
/// custom shelf only, a book with several read-throughs and reviews, a stopped book with empty
/// optional fields, and a half-star rating.
enum ExportFixtures {
    static let publicURL = "https://quire.example"
    static let profile = ExchangeProfile(
        username: "reader_1", displayName: "Réader \"One\"", summary: "Reads <everything>\nslowly", manuallyApprovesFollowers: true,
        defaultPrivacy: "followers"
    )

    /// 2024-03-05T14:07:09.123456Z
    static let march5: Int64 = 1_709_647_629_123_456
    static let day: Int64 = 86_400_000_000

    static let awkwardTitle = "Dune, \"Messiah\"\nor: 砂丘 😀"
    static let awkwardBody = "Line one, with comma\nLine \"two\"\n\n<b>Bold</b> & 😀 \\ \u{01} tab\there"

    static func dune() -> ExchangeBook {
        ExchangeBook(
            edition: ExchangeEdition(
                id: 101, title: awkwardTitle, subtitle: "Book 2, of 6", description: "A desert planet.", languages: ["English"],
                pages: 331, publishers: ["Ace", "Gollancz"], publishedDate: "1969-10", physicalFormat: "Paperback",
                isbn10: "0441172717", isbn13: "9780441172719", openlibraryKey: "OL26242482M", goodreadsKey: "44492285"
            ),
            work: ExchangeWork(id: 11, title: "Dune Messiah", openlibraryKey: "OL893526W"),
            authors: [ExchangeAuthor(id: 1, name: "Frank Herbert", openlibraryKey: "OL79034A"), ExchangeAuthor(id: 2, name: "Kevin J. Anderson")],
            shelvings: [
                ExchangeShelving(identifier: "read", name: "Read", privacy: "public", shelvedAt: march5),
                ExchangeShelving(identifier: "favourites-2", name: "Favourites, \"best\"", privacy: "private", shelvedAt: march5 + day),
            ],
            readthroughs: [
                ExchangeReadthrough(id: 7, startedOn: "2019-01-01", finishedOn: "2019-02-01", createdAt: march5 - 400 * day, updatedAt: march5 - 300 * day),
                ExchangeReadthrough(id: 8, startedOn: "2023-05-01", finishedOn: "2023-06-10", progress: 331, createdAt: march5 - 10 * day, updatedAt: march5),
            ],
            statuses: [
                ExchangeStatus(id: 501, kind: .review, title: "First", body: "Good", rating: 7, createdAt: march5 - 5 * day),
                ExchangeStatus(id: 502, kind: .comment, body: "Halfway, \"so far\"", progress: 120, privacy: .unlisted, createdAt: march5 - 4 * day),
                ExchangeStatus(id: 503, kind: .quotation, body: "", quote: "Fear is the mind-killer.", position: "42%", createdAt: march5 - 3 * day),
                ExchangeStatus(
                    id: 504, kind: .review, title: "Second, \"thoughts\"", body: awkwardBody, rating: 4, contentWarning: "spoilers: the ending",
                    privacy: .followers, createdAt: march5
                ),
            ]
        )
    }

    static func emile() -> ExchangeBook {
        ExchangeBook(
            edition: ExchangeEdition(id: 102, title: "Émile ou De l'éducation"),
            work: ExchangeWork(id: 12, title: "Émile"),
            authors: [ExchangeAuthor(id: 3, name: "Jean-Jacques Rousseau")],
            shelvings: [ExchangeShelving(identifier: "philosophy", name: "Philosophy", privacy: "followers", shelvedAt: march5 + 2 * day)]
        )
    }

    static func abandoned() -> ExchangeBook {
        ExchangeBook(
            edition: ExchangeEdition(id: 103, title: "Ulysses"),
            work: ExchangeWork(id: 13, title: "Ulysses"),
            authors: [],
            shelvings: [ExchangeShelving(identifier: "stopped-reading", name: "Stopped", privacy: "public", shelvedAt: march5 + 3 * day)],
            readthroughs: [
                ExchangeReadthrough(id: 9, startedOn: "2024-01-01", stoppedOn: "2024-02-02", progress: 30, progressMode: "percent", createdAt: march5, updatedAt: march5)
            ],
            statuses: [ExchangeStatus(id: 505, kind: .quotation, quote: "yes I said yes", position: "chapter 18", createdAt: march5 + day)]
        )
    }

    static func reading() -> ExchangeBook {
        ExchangeBook(
            edition: ExchangeEdition(id: 104, title: "Piranesi", isbn13: "9781526622426"),
            work: ExchangeWork(id: 14, title: "Piranesi"),
            authors: [ExchangeAuthor(id: 4, name: "Susanna Clarke")],
            shelvings: [ExchangeShelving(identifier: "reading", name: "reading", privacy: "public", shelvedAt: march5 + 4 * day)],
            readthroughs: [ExchangeReadthrough(id: 10, startedOn: "2024-03-01", progress: 50, createdAt: march5, updatedAt: march5)],
            statuses: [ExchangeStatus(id: 506, kind: .review, title: "Early days", body: "Strange.", rating: 1, createdAt: march5 + 5 * day)]
        )
    }

    static var books: [ExchangeBook] { [dune(), emile(), abandoned(), reading()] }

    /// Writes the fixture library in two book batches, two follow batches and one block batch.
    static func write(_ format: ExportFormat, to path: String) throws {
        let writer = try makeExportWriter(format, path: path, publicURL: publicURL)
        try writer.begin(profile: profile)
        try writer.append(books: [dune(), emile()])
        try writer.append(books: [abandoned(), reading()])
        try writer.append(follows: ["alice"])
        try writer.append(follows: ["bob_2"])
        try writer.append(blocks: ["mallory"])
        try writer.finish()
    }
}

/// A fresh empty directory for one test, removed when the test is done with it.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "quire-exchange-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a command and returns its standard output; throws if it exits non-zero.
func run(_ executable: String, _ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CommandFailed(command: ([executable] + arguments).joined(separator: " ")) }
    return data
}

struct CommandFailed: Error {
    let command: String
}
