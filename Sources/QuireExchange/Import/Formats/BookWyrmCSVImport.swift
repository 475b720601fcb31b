import QuireCore

/// BookWyrm's CSV export: the 30 columns Quire's `BookWyrmCSV` writes, and older 27-column
/// files without finna_key, libris_key and pages (columns are found by name, so either reads).
/// Also the layout of an archive's failed rows (`BookWyrmArchiveRows.header`).
///
/// - Required: title and author_text (names joined by ", ").
/// - rating is stars with two decimals (`4.50`).
/// - start/finish/stopped dates are one read-through (BookWyrm writes the latest).
/// - The review columns are one review; its rating the file's rating, its date review_published.
/// - shelf is the shelf's identifier: to-read, reading, read and stopped-reading are the default
///   shelves; any other is a custom shelf, named by shelf_name.
struct BookWyrmCSVImport: TableFormat {
    static let format = ImportFormat.bookwyrmCSV
    static let requiredColumns = ["title", "author_text"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("author_text")
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        let started = row.day("start_date")
        let finished = row.day("finish_date")
        let stopped = row.day("stopped_date")
        let shelfDate = row.day("shelf_date")
        let published = row.day("review_published")
        let identifier = row["shelf"]
        let shelf = DefaultShelf(rawValue: identifier.lowercased())
        let customName = row["shelf_name"].isEmpty ? identifier : row["shelf_name"]
        let review = ImportValues.review(
            body: row.text("review_content"), rating: row.halfStars("rating", scale: .stars),
            title: row["review_name"].isEmpty ? nil : row["review_name"],
            contentWarning: row["review_cw"].isEmpty ? nil : row["review_cw"],
            createdAt: ImportValues.time(of: published, finished, shelfDate, now: now)
        )
        let identifiers = ImportValues.identifiers([row["isbn_13"], row["isbn_10"]])
        let hasReadthrough = started != nil || finished != nil || stopped != nil
        return ImportedBook(
            title: row["title"], authors: ImportValues.list(row["author_text"], separator: ","),
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            openlibraryEditionKey: ImportValues.openLibraryKey(row["openlibrary_key"], suffix: "M"),
            goodreadsKey: row["goodreads_key"].isEmpty ? nil : row["goodreads_key"],
            pages: row.count("pages"),
            shelvings: ImportValues.shelvings(
                shelf, custom: shelf == nil && !customName.isEmpty ? [customName] : [],
                shelvedAt: shelfDate.flatMap(ImportDate.microseconds(day:))
            ),
            readthroughs: hasReadthrough ? [ImportedReadthrough(startedOn: started, finishedOn: finished, stoppedOn: stopped)] : [],
            statuses: review.map { [$0] } ?? []
        )
    }
}
