import QuireCore

/// StoryGraph's library export.
///
/// - Required: Title and Authors (comma-separated); Read Status defaults to to-read when absent.
/// - ISBN/UID holds an ISBN-10, an ISBN-13 or StoryGraph's own id (then unused).
/// - Read Status: to-read, currently-reading, read, did-not-finish (stopped), paused (reading).
/// - Dates Read lists read-throughs, `2023/01/05-2023/02/01` (start-finish) or a finish date
///   alone, comma-separated; when it is empty, Last Date Read is one finished read-through. For
///   a book not finished, the last date is when it was stopped.
/// - Star Rating is a decimal (`4.25`), rounded to the nearest half star.
/// - Tags are custom shelves; Contributors (translators, illustrators) and the mood columns
///   have no place in Quire.
struct StoryGraphImport: TableFormat {
    static let format = ImportFormat.storygraph
    static let requiredColumns = ["Title", "Authors"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("isbn/uid") || (columns.contains("read status") && columns.contains("star rating"))
    }

    let now: Int64

    init(now: Int64) { self.now = now }

    func book(from row: inout TableRow) -> ImportedBook {
        let shelf = Self.shelf(row["Read Status"].lowercased())
        let dateAdded = row.day("Date Added")
        let lastRead = row.day("Last Date Read")
        var readthroughs = readthroughs(&row)
        if readthroughs.isEmpty, let lastRead { readthroughs = [ImportedReadthrough(finishedOn: lastRead)] }
        if shelf == .stoppedReading {
            readthroughs = readthroughs.map { ImportedReadthrough(startedOn: $0.startedOn, stoppedOn: $0.finishedOn) }
        }
        let identifiers = ImportValues.identifiers([row["ISBN/UID"]])
        let review = ImportValues.review(
            body: row.text("Review"), rating: row.halfStars("Star Rating", scale: .stars),
            createdAt: ImportValues.time(of: lastRead, dateAdded, now: now)
        )
        return ImportedBook(
            title: row["Title"], authors: ImportValues.list(row["Authors"], separator: ","),
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            physicalFormat: row["Format"].isEmpty ? nil : row["Format"],
            shelvings: ImportValues.shelvings(shelf, custom: ImportValues.list(row["Tags"], separator: ","), shelvedAt: dateAdded.flatMap(ImportDate.microseconds(day:))),
            readthroughs: readthroughs,
            statuses: review.map { [$0] } ?? []
        )
    }

    static func shelf(_ status: String) -> DefaultShelf {
        switch status {
        case "read": .read
        case "currently-reading", "paused": .reading
        case "did-not-finish": .stoppedReading
        default: .toRead
        }
    }

    private func readthroughs(_ row: inout TableRow) -> [ImportedReadthrough] {
        var result: [ImportedReadthrough] = []
        for entry in ImportValues.list(row["Dates Read"], separator: ",") {
            let parts = entry.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            // `2023/01/05-2023/02/01` splits into dates; `2023-01-05-2023-02-01` into threes.
            let dates = parts.allSatisfy { $0.contains("/") }
                ? parts
                : stride(from: 0, to: parts.count - parts.count % 3, by: 3).map { parts[$0..<($0 + 3)].joined(separator: "-") }
            let days = dates.map(ImportDate.day)
            guard !dates.isEmpty, dates.count <= 2, parts.count % 3 == 0 || parts.allSatisfy({ $0.contains("/") }), days.allSatisfy({ $0 != nil }) else {
                row.problem("column '\(row.displayName("Dates Read"))': '\(entry)' is not a date or a range of dates")
                continue
            }
            result.append(dates.count == 2 ? ImportedReadthrough(startedOn: days[0], finishedOn: days[1]) : ImportedReadthrough(finishedOn: days[0]))
        }
        return result
    }
}
