import QuireCore

/// Goodreads' library export: its 31 columns in its order, LF line ends, ISBNs as `="…"` (so
/// spreadsheets keep leading zeros) and dates as `YYYY/MM/DD`, as Goodreads writes them, so
/// StoryGraph and the other services that import a Goodreads file import Quire's. Where Goodreads
/// has a value Quire doesn't keep (average rating, positions, private notes, purchases) the cell
/// is empty, Owned Copies 0.
///
/// Choices Goodreads' own shape leaves open:
/// - Book Id: the edition's Goodreads id when known, else Quire's edition id (importers match
///   on ISBN, then title and author, before an id they don't know).
/// - My Rating: whole stars, half stars rounded up (3.5 is 4), so 0.5 stays rated; 0 is unrated.
/// - Exclusive Shelf: to-read, currently-reading or read from the default shelf; Goodreads has no
///   stopped shelf, so stopped-reading is written as the custom exclusive shelf "did-not-finish",
///   which StoryGraph reads as DNF; a book on no default shelf is to-read.
/// - Bookshelves: the custom shelves' identifiers (Goodreads' shelf names are slugs), plus
///   did-not-finish when that is the exclusive shelf.
/// - Date Read: the latest finish date; Date Added: the first shelving, else the first
///   read-through or status; Read Count: the finished read-throughs (at least 1 when on read).
/// - My Review and Spoiler: the newest review's text, and `true` when it has a content warning.
/// - Title: the title, then ": " and the subtitle when there is one.
/// - Author l-f: "Last, First" with the last word of the name as the surname.
/// Times are taken in UTC.
struct GoodreadsCSV: CSVExportFormat {
    static let columns = [
        "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating", "Average Rating",
        "Publisher", "Binding", "Number of Pages", "Year Published", "Original Publication Year", "Date Read", "Date Added",
        "Bookshelves", "Bookshelves with positions", "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count",
        "Recommended For", "Recommended By", "Owned Copies", "Original Purchase Date", "Original Purchase Location",
        "Condition", "Condition Description", "BCID",
    ]
    static let didNotFinish = "did-not-finish"

    var header: [String] { Self.columns }
    var newline: String { "\n" }

    func row(_ book: ExchangeBook) -> [String] {
        let edition = book.edition
        let author = book.authors.first?.name ?? ""
        let exclusive = Self.exclusiveShelf(book.defaultShelf)
        var shelves = book.shelvings.filter { $0.defaultShelf == nil }.map(\.identifier)
        if exclusive == Self.didNotFinish { shelves.insert(Self.didNotFinish, at: 0) }
        let finished = book.readthroughs.compactMap(\.finishedOn)
        let readCount = max(finished.count, book.defaultShelf == .read ? 1 : 0)
        let review = book.statuses.last { $0.kind == .review && !$0.body.isEmpty }
        let title = edition.subtitle.map { "\(edition.title): \($0)" } ?? edition.title
        return [
            edition.goodreadsKey ?? String(edition.id), title, author, Self.lastFirst(author),
            book.authors.dropFirst().map(\.name).joined(separator: ", "),
            Self.formulaText(edition.isbn10), Self.formulaText(edition.isbn13), String(Self.wholeStars(book.latestRating)), "",
            edition.publishers.first ?? "", edition.physicalFormat ?? "", edition.pages.map(String.init) ?? "",
            Self.year(edition.publishedDate), "", finished.max().map(Self.slashed) ?? "", dateAdded(book),
            shelves.joined(separator: ", "), "", exclusive, review?.body ?? "", review?.contentWarning != nil ? "true" : "",
            "", String(readCount), "", "", "0", "", "", "", "", "",
        ]
    }

    /// `="0123456789"`, the spreadsheet formula Goodreads wraps ISBNs in; `=""` when there is none.
    static func formulaText(_ value: String?) -> String {
        "=\"\(value ?? "")\""
    }

    static func wholeStars(_ halfStars: Int?) -> Int {
        halfStars.map { ($0 + 1) / 2 } ?? 0
    }

    static func exclusiveShelf(_ shelf: DefaultShelf?) -> String {
        switch shelf {
        case .toRead, nil: "to-read"
        case .reading: "currently-reading"
        case .read: "read"
        case .stoppedReading: didNotFinish
        }
    }

    static func lastFirst(_ name: String) -> String {
        let words = name.split(separator: " ")
        guard words.count > 1, let last = words.last else { return name }
        return "\(last), \(words.dropLast().joined(separator: " "))"
    }

    /// `2024-03-05` as `2024/03/05`.
    static func slashed(_ day: String) -> String {
        String(day.map { $0 == "-" ? "/" : $0 })
    }

    static func year(_ published: String?) -> String {
        guard let year = published?.prefix(4), year.count == 4, year.allSatisfy(\.isASCII), year.allSatisfy(\.isNumber) else { return "" }
        return String(year)
    }

    private func dateAdded(_ book: ExchangeBook) -> String {
        let first = book.shelvings.map(\.shelvedAt).min()
            ?? (book.readthroughs.map(\.createdAt) + book.statuses.map(\.createdAt)).min()
        return first.map { Self.slashed(ExportTimestamp(microseconds: $0).date) } ?? ""
    }
}
