import QuireCore

/// Calibre's CSV catalog (`calibredb catalog books.csv`): every field quoted.
///
/// - Required: title and authors (`&`-separated, as Calibre joins them).
/// - rating is 0-10, Calibre's half stars, taken as they are.
/// - identifiers is `isbn:...,goodreads:...,openlibrary:...`; the isbn column is used when
///   identifiers has none.
/// - Calibre keeps no reading state: a rated book is put on read, any other on to-read.
///   tags are not shelves (Calibre fills them with genres from metadata sources).
/// - timestamp (when the book was added) is the shelving date; pubdate the publication date,
///   except Calibre's "unknown" date, the year 101.
/// - comments is the description, HTML turned to text.
struct CalibreImport: TableFormat {
    static let format = ImportFormat.calibre
    static let requiredColumns = ["title", "authors"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("author_sort") || (columns.contains("identifiers") && columns.contains("authors") && columns.contains("timestamp"))
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        var identifiers: [String: String] = [:]
        for pair in ImportValues.list(row["identifiers"], separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { identifiers[parts[0].lowercased()] = identifiers[parts[0].lowercased()] ?? parts[1] }
        }
        let isbns = ImportValues.identifiers([identifiers["isbn"] ?? "", row["isbn"]])
        let rating = row.halfStars("rating", scale: .halfStars)
        let added = ImportDate.day(row["timestamp"])
        let published = ImportDate.day(row["pubdate"]).flatMap { $0 < "1000" ? nil : $0 }
        let review = ImportValues.review(body: nil, rating: rating, createdAt: ImportValues.time(of: added, now: now))
        let description = row.text("comments").map(HTMLText.plain)
        return ImportedBook(
            title: row["title"], authors: ImportValues.list(row["authors"], separator: "&"),
            isbn13: isbns.isbn13, isbn10: isbns.isbn10,
            openlibraryEditionKey: identifiers["openlibrary"].flatMap { ImportValues.openLibraryKey($0, suffix: "M") },
            goodreadsKey: identifiers["goodreads"],
            publisher: row["publisher"].isEmpty ? nil : row["publisher"],
            publishedDate: published,
            description: description?.isEmpty == false ? description : nil,
            shelvings: ImportValues.shelvings(rating == nil ? .toRead : .read, custom: [], shelvedAt: added.flatMap(ImportDate.microseconds(day:))),
            statuses: review.map { [$0] } ?? []
        )
    }
}
