import QuireCore

/// OpenLibrary's reading log export: `Work Id, Edition Id, Bookshelf`, no titles. Rows are
/// matched by their OpenLibrary keys alone (the importer reports rows it can't match).
///
/// - Required: Work Id and Bookshelf; Edition Id is often empty.
/// - Keys are taken with or without their path (`/works/OL45W` or `OL45W`); a key of the wrong
///   kind is ignored.
/// - Bookshelf: Want to Read, Currently Reading, Already Read; another name is a custom shelf.
struct OpenLibraryImport: TableFormat {
    static let format = ImportFormat.openlibrary
    static let requiredColumns = ["Work Id", "Bookshelf"]

    static func recognises(_ columns: Set<String>) -> Bool {
        columns.contains("work id") && columns.contains("bookshelf")
    }

    init(now: Int64) {}

    func book(from row: inout TableRow) -> ImportedBook {
        let bookshelf = row["Bookshelf"]
        let shelf: DefaultShelf? = switch bookshelf.lowercased() {
        case "want to read", "want-to-read": .toRead
        case "currently reading", "currently-reading": .reading
        case "already read", "already-read": .read
        default: bookshelf.isEmpty ? .toRead : nil
        }
        return ImportedBook(
            title: row["Title"],
            openlibraryEditionKey: ImportValues.openLibraryKey(row["Edition Id"], suffix: "M"),
            openlibraryWorkKey: ImportValues.openLibraryKey(row["Work Id"], suffix: "W"),
            shelvings: ImportValues.shelvings(shelf, custom: shelf == nil ? [bookshelf] : [], shelvedAt: nil)
        )
    }
}
