import QuireCore

/// BookWyrm's CSV export (its `preferences/export.py`): one row a book, its 30 columns in its
/// order, CRLF line ends as Python's csv module writes them. Follows and blocks have no place in
/// it. What goes where, as BookWyrm does it:
/// - rating: the newest review with a rating, as a decimal with two places (`4.50`);
/// - start/finish/stopped dates: the latest read-through, by start date then finish date, newest
///   first with a missing date counting as newest (PostgreSQL's `DESC` puts NULLs first);
/// - review columns: the newest review, its text as written (plain text, like BookWyrm's
///   `raw_content`), published as a date;
/// - shelf columns: BookWyrm takes the oldest shelving; Quire takes the default shelf when there
///   is one (the only shelves an importer can map) and otherwise the oldest custom shelving.
/// Dates are `YYYY-MM-DD`, in UTC.
struct BookWyrmCSV: CSVExportFormat {
    static let columns = [
        "title", "author_text", "remote_id", "openlibrary_key", "finna_key", "libris_key", "inventaire_id", "librarything_key",
        "goodreads_key", "bnf_id", "viaf", "wikidata", "asin", "aasin", "isfdb", "isbn_10", "isbn_13", "oclc_number", "pages",
        "start_date", "finish_date", "stopped_date", "rating", "review_name", "review_cw", "review_content", "review_published",
        "shelf", "shelf_name", "shelf_date",
    ]

    let urls: BookWyrmURLs
    var header: [String] { Self.columns }
    var newline: String { "\r\n" }

    init(publicURL: String) {
        urls = BookWyrmURLs(publicURL: publicURL, username: "")
    }

    func row(_ book: ExchangeBook) -> [String] {
        let edition = book.edition
        let readthrough = Self.latestReadthrough(book.readthroughs)
        let review = book.statuses.last { $0.kind == .review }
        let shelving = book.shelvings.first { $0.defaultShelf != nil } ?? book.shelvings.min { $0.shelvedAt < $1.shelvedAt }
        let rating = book.latestRating.map { "\($0 / 2).\($0 % 2 == 0 ? "00" : "50")" }
        return [
            edition.title, book.authors.map(\.name).joined(separator: ", "), urls.edition(edition.id),
            edition.openlibraryKey ?? "", "", "", "", "", edition.goodreadsKey ?? "", "", "", "", "", "", "",
            edition.isbn10 ?? "", edition.isbn13 ?? "", "", edition.pages.map(String.init) ?? "",
            readthrough?.startedOn ?? "", readthrough?.finishedOn ?? "", readthrough?.stoppedOn ?? "",
            rating ?? "", review?.title ?? "", review?.contentWarning ?? "", review?.body ?? "",
            review.map { ExportTimestamp(microseconds: $0.createdAt).date } ?? "",
            shelving?.identifier ?? "", shelving.map { $0.defaultShelf?.name ?? $0.name } ?? "",
            shelving.map { ExportTimestamp(microseconds: $0.shelvedAt).date } ?? "",
        ]
    }

    /// BookWyrm's `order_by("-start_date", "-finish_date").first()` on PostgreSQL, where a missing
    /// date sorts before every date; ties go to the newest created.
    static func latestReadthrough(_ readthroughs: [ExchangeReadthrough]) -> ExchangeReadthrough? {
        func newer(_ a: String?, _ b: String?) -> Bool? {
            switch (a, b) {
            case (nil, nil): nil
            case (nil, _): true
            case (_, nil): false
            case let (a?, b?): a == b ? nil : a > b
            }
        }
        return readthroughs.min { a, b in
            newer(a.startedOn, b.startedOn) ?? newer(a.finishedOn, b.finishedOn) ?? (a.createdAt > b.createdAt)
        }
    }
}
