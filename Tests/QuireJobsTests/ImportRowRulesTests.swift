@testable import QuireJobs
import QuireExchange
import Testing

/// A file's text meets the API's limits, counted as the API counts them (`TextRules.length`, in
/// Unicode scalars): a Character may hold any number of scalars, so a title of 100 of them could
/// otherwise be as long as the file's field limit (1 MiB).
@Suite struct ImportRowRulesTests {
    /// 100 Characters, each a letter with 10 combining accents: 1,100 scalars.
    static let heavy = String(repeating: "a" + String(repeating: "\u{301}", count: 10), count: 100)

    static func problem(_ book: ImportedBook) -> String? {
        if case .failure(let problem) = ImportRowRules.check(book) { return problem.reason }
        return nil
    }

    @Test func aTitleOrAnAuthorPastItsLimitInScalarsFailsTheRow() {
        #expect(Self.heavy.count == 100 && Self.heavy.unicodeScalars.count == 1_100)
        #expect(Self.problem(ImportedBook(title: Self.heavy, authors: ["Ursula K. Le Guin"])) == "the title is longer than 500 characters")
        #expect(Self.problem(ImportedBook(title: "The Dispossessed", authors: [Self.heavy]))
            == "an author's name is longer than 200 characters")
        #expect(Self.problem(ImportedBook(title: "The Dispossessed", authors: ["Ursula K. Le Guin"])) == nil)
    }

    @Test func aShelfNamePastItsLimitFailsTheRowQuotingItsStartInScalars() {
        let book = ImportedBook(title: "The Dispossessed", shelvings: [ImportedShelving(customName: Self.heavy)])
        let quoted = String(String.UnicodeScalarView(Self.heavy.unicodeScalars.prefix(40)))
        #expect(Self.problem(book) == "the shelf name '\(quoted)' must be 1 to 100 characters")
    }

    @Test func aPublisherOrSubtitlePastItsLimitIsDropped() throws {
        let book = ImportedBook(title: "The Dispossessed", subtitle: Self.heavy, publisher: Self.heavy)
        guard case .success(let checked) = ImportRowRules.check(book) else {
            Issue.record("the row failed")
            return
        }
        #expect(checked.subtitle == nil)
        #expect(checked.publisher == nil)
    }
}
