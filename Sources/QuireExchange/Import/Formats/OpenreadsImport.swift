import QuireCore

/// Openreads' CSV export (`lib/core/helpers/backup/csv_export.dart`).
///
/// - Required: title, author and status.
/// - status: finished, in_progress, planned, abandoned (stopped); unknown is to-read.
/// - rating: Openreads keeps tenths of stars (0-50) and writes them divided by ten (`3.5`);
///   a value over 5 is read as tenths, as older files may hold them.
/// - readings: read-throughs `start|finish|readingTime`, ISO 8601 times, joined by `;`. For an
///   abandoned book, the finish is when it was stopped.
/// - tags are joined by `|||||` and become custom shelves; olid is an OpenLibrary key.
/// - Rows with deleted `true` are Openreads' bin and fail with that reason.
struct OpenreadsImport: TableFormat {
    static let format = ImportFormat.openreads
    static let requiredColumns = ["title", "author", "status"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("readings") || columns.contains("olid") || (columns.contains("my_review") && columns.contains("book_format"))
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        if row["deleted"].lowercased() == "true" { row.problem("the book is in Openreads' deleted books") }
        let shelf: DefaultShelf = switch row["status"].lowercased() {
        case "finished": .read
        case "in_progress": .reading
        case "abandoned": .stoppedReading
        default: .toRead
        }
        let added = row.day("date_added")
        var readthroughs = readthroughs(&row)
        if shelf == .stoppedReading {
            readthroughs = readthroughs.map { ImportedReadthrough(startedOn: $0.startedOn, stoppedOn: $0.finishedOn) }
        }
        let identifiers = ImportValues.identifiers([row["isbn"]])
        let olid = row["olid"]
        let review = ImportValues.review(
            body: row.text("my_review"), rating: rating(&row),
            createdAt: ImportValues.time(of: readthroughs.last?.finishedOn, added, now: now)
        )
        return ImportedBook(
            title: row["title"], subtitle: row["subtitle"].isEmpty ? nil : row["subtitle"],
            authors: ImportValues.list(row["author"], separator: ","),
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            openlibraryEditionKey: ImportValues.openLibraryKey(olid, suffix: "M"),
            openlibraryWorkKey: ImportValues.openLibraryKey(olid, suffix: "W"),
            pages: row.count("pages"),
            publisher: row["publisher"].isEmpty ? nil : row["publisher"],
            publishedDate: ImportDate.publishedDate(row["publication_year"]),
            physicalFormat: row["book_format"].isEmpty ? nil : row["book_format"],
            description: row.text("description"),
            shelvings: ImportValues.shelvings(shelf, custom: ImportValues.list(row["tags"], separator: "|||||"), shelvedAt: added.flatMap(ImportDate.microseconds(day:))),
            readthroughs: readthroughs,
            statuses: review.map { [$0] } ?? []
        )
    }

    private func rating(_ row: inout TableRow) -> Int? {
        if let value = Double(row["rating"]), value > 5, value <= 50 {
            let halfStars = Int((value / 5).rounded(.toNearestOrAwayFromZero))
            return halfStars == 0 ? nil : halfStars
        }
        return row.halfStars("rating", scale: .stars)
    }

    private func readthroughs(_ row: inout TableRow) -> [ImportedReadthrough] {
        var result: [ImportedReadthrough] = []
        for entry in ImportValues.list(row["readings"], separator: ";") {
            let parts = entry.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let start = parts.first.flatMap { $0.isEmpty ? nil : $0 }
            let finish = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
            let startDay = start.flatMap(ImportDate.day)
            let finishDay = finish.flatMap(ImportDate.day)
            guard (start == nil) == (startDay == nil), (finish == nil) == (finishDay == nil) else {
                row.problem("column '\(row.displayName("readings"))': '\(entry)' is not a reading (start|finish|time)")
                continue
            }
            if startDay != nil || finishDay != nil { result.append(ImportedReadthrough(startedOn: startDay, finishedOn: finishDay)) }
        }
        return result
    }
}
