import QuireCore

/// Goodreads' library export (and Quire's, which writes the same 31 columns).
///
/// - Required: Title and Author. ISBN and ISBN13 are optional: many rows have `=""` there, and
///   a file without them still matches on title and author.
/// - ISBNs are `="0123456789"`; ISBN13 is preferred, ISBN converted when it is alone.
/// - My Rating is whole stars, 0 unrated. Dates are `YYYY/MM/DD`.
/// - Exclusive Shelf: read, currently-reading, to-read; did-not-finish (what Quire writes for a
///   stopped book, and what StoryGraph reads as DNF), dnf, abandoned and stopped-reading are the
///   stopped shelf; any other exclusive shelf is a custom shelf (and no default one).
/// - Bookshelves lists custom shelves, the exclusive one among them in Quire's exports; it is
///   not made a second, custom shelf.
/// - Date Read is one finished read-through, whatever Read Count says: the file has one date.
/// - My Review, with its rating, is one review; Spoiler `true` gives it a content warning.
/// - The title is kept as written, a series suffix such as "(The Locked Tomb #1)" included; the
///   importer normalises titles for matching.
struct GoodreadsImport: TableFormat {
    static let format = ImportFormat.goodreads
    static let requiredColumns = ["Title", "Author"]
    static let stoppedShelves: Set<String> = ["did-not-finish", "dnf", "abandoned", "stopped-reading"]
    /// Goodreads lists these in Bookshelves too, beside Exclusive Shelf.
    static let exclusiveShelves: Set<String> = ["read", "currently-reading", "to-read"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("exclusive shelf") || (columns.contains("my rating") && columns.contains("title") && columns.contains("author"))
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        let identifiers = ImportValues.identifiers([row["ISBN13"], row["ISBN"]])
        let dateRead = row.day("Date Read")
        let dateAdded = row.day("Date Added")
        let rating = row.halfStars("My Rating", scale: .stars)
        let exclusive = row["Exclusive Shelf"].lowercased()
        var shelf = Self.defaultShelf(exclusive)
        if exclusive.isEmpty { shelf = dateRead == nil ? .toRead : .read }
        let custom = (shelf == nil && !exclusive.isEmpty ? [row["Exclusive Shelf"]] : [])
            + ImportValues.list(row["Bookshelves"], separator: ",")
        let spoiler = ["true", "yes", "1"].contains(row["Spoiler"].lowercased())
        let review = ImportValues.review(
            body: row.text("My Review"), rating: rating, contentWarning: spoiler ? "Spoilers" : nil,
            createdAt: ImportValues.time(of: dateRead, dateAdded, now: now)
        )
        let additional = ImportValues.list(row["Additional Authors"], separator: ",")
        return ImportedBook(
            title: row["Title"],
            authors: (row["Author"].isEmpty ? [] : [row["Author"]]) + additional,
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            goodreadsKey: row["Book Id"].isEmpty ? nil : row["Book Id"],
            pages: row.count("Number of Pages"),
            publisher: row["Publisher"].isEmpty ? nil : row["Publisher"],
            publishedDate: ImportDate.publishedDate(row["Year Published"]),
            physicalFormat: row["Binding"].isEmpty ? nil : row["Binding"],
            shelvings: ImportValues.shelvings(
                shelf, custom: custom, shelvedAt: dateAdded.flatMap(ImportDate.microseconds(day:)),
                skipping: Self.exclusiveShelves.union(shelf == .stoppedReading ? Self.stoppedShelves : [])
            ),
            readthroughs: dateRead.map { [ImportedReadthrough(finishedOn: $0)] } ?? [],
            statuses: review.map { [$0] } ?? []
        )
    }

    static func defaultShelf(_ exclusive: String) -> DefaultShelf? {
        switch exclusive {
        case "read": .read
        case "currently-reading": .reading
        case "to-read": .toRead
        case _ where stoppedShelves.contains(exclusive): .stoppedReading
        default: nil
        }
    }
}
