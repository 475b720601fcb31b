import QuireCore

/// LibraryThing's export: tab-separated (its CSV export, the same columns, is read too), often
/// in Windows-1252 or mixed encodings (see `TextDecoding`).
///
/// - Required: Title and Primary Author. Primary Author is "Last, First", turned round so it
///   matches the way other files and the catalog write names.
/// - ISBN is `[0123456789]`; ISBNs lists more, comma-separated: the first valid one is used.
/// - The shelf follows from the dates: Date Read is read, Date Started alone reading; with
///   neither, LibraryThing's own collections decide (Currently reading, Read but unowned, To
///   read, Wishlist), else to-read.
/// - Collections other than LibraryThing's own (and "Your library", which every book is in)
///   become custom shelves. Tags are not shelves: LibraryThing readers use them as subject
///   keywords, often dozens a book, and would find as many shelves.
/// - Rating is stars, halves allowed.
struct LibraryThingImport: TableFormat {
    static let format = ImportFormat.librarything
    static let requiredColumns = ["Title", "Primary Author"]
    static let ownCollections: [String: DefaultShelf?] = [
        "your library": nil, "currently reading": .reading, "read but unowned": .read, "to read": .toRead, "wishlist": .toRead,
        "favorites": nil,
    ]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("primary author")
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        let started = row.day("Date Started")
        let finished = row.day("Date Read")
        let added = row.day("Entry Date")
        let collections = ImportValues.list(row["Collections"], separator: ",")
        let fromCollections = collections.compactMap { Self.ownCollections[$0.lowercased()] ?? nil }.first
        let shelf: DefaultShelf = finished != nil ? .read : started != nil ? .reading : fromCollections ?? .toRead
        let custom = collections.filter { Self.ownCollections[$0.lowercased()] == nil }
        let identifiers = ImportValues.identifiers([row["ISBN"]] + ImportValues.list(row["ISBNs"], separator: ","))
        let review = ImportValues.review(
            body: row.text("Review"), rating: row.halfStars("Rating", scale: .stars), createdAt: ImportValues.time(of: finished, added, now: now)
        )
        return ImportedBook(
            title: row["Title"], authors: Self.authors(row),
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            pages: row.count("Page Count"),
            publishedDate: ImportDate.publishedDate(row["Date"]),
            shelvings: ImportValues.shelvings(shelf, custom: custom, shelvedAt: added.flatMap(ImportDate.microseconds(day:))),
            readthroughs: started != nil || finished != nil ? [ImportedReadthrough(startedOn: started, finishedOn: finished)] : [],
            statuses: review.map { [$0] } ?? []
        )
    }

    private static func authors(_ row: TableRow) -> [String] {
        let primary = row["Primary Author"]
        guard !primary.isEmpty else { return [] }
        let parts = primary.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return [parts.count == 2 && !parts[1].isEmpty ? "\(parts[1]) \(parts[0])" : primary]
    }
}
