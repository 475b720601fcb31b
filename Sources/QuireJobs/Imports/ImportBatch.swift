import QuireCore
import QuireExchange
import QuireStore
import SQLKit

/// One batch of an import's rows, written in one transaction with their report lines and the
/// import's counts and cursor. The catalog is looked up once for the whole batch (three
/// statements), and the reader's library for the batch's editions once (three more); then each
/// row writes only what it adds, so a second import of the same file writes nothing but its
/// report.
struct ImportBatch {
    let importID: Int64
    let userID: Int64
    /// Statuses the file gives no privacy for get this one.
    let privacy: StatusPrivacy
    /// Custom shelves the file makes get the account's default privacy.
    let shelfPrivacy: String
    let retrying: Bool

    /// A row made fit to store, with the keys it is looked up by.
    private struct Ready {
        let row: ImportRow
        let book: ImportedBook
        let matchKey: String?
    }

    /// Writes `rows` (in file order, the last being `rowsDone`), returning the user's shelves as
    /// they are after it (custom shelves may have been made).
    func write(_ rows: [ImportRow], rowsDone: Int64, shelves: ImportShelves, on db: any SQLDatabase) async throws -> ImportShelves {
        var rows = rows
        var replaced: [ImportRowResult] = []
        if retrying, let first = rows.first, let last = rows.last {
            let failed = try await ImportQueries.failedNumbers(importID, from: Int64(first.number), through: Int64(last.number), on: db)
            rows = rows.filter { failed.contains(Int64($0.number)) }
            replaced = rows.map { _ in .failed }
        }
        var lines: [ImportRowRecord] = []
        var ready: [Ready] = []
        for row in rows {
            guard let book = row.book else {
                lines.append(Self.failure(row, row.problem ?? "the row can't be read"))
                continue
            }
            switch ImportRowRules.check(book) {
            case let .failure(problem): lines.append(Self.failure(row, problem.reason))
            case let .success(book):
                ready.append(Ready(row: row, book: book, matchKey: CatalogMatchKey.make(title: book.title, firstAuthor: book.authors.first)))
            }
        }
        var matches = try await ImportCatalogQueries.lookup(
            isbn13s: Set(ready.compactMap(\.book.isbn13)), openlibraryKeys: Set(ready.compactMap(\.book.openlibraryEditionKey)),
            matchKeys: Set(ready.compactMap(\.matchKey)), on: db)
        var found: [(ready: Ready, edition: EditionRecord, created: Bool)] = []
        for item in ready {
            let book = item.book
            if let edition = matches.edition(isbn13: book.isbn13, openlibraryKey: book.openlibraryEditionKey, matchKey: item.matchKey) {
                found.append((item, edition, false))
                continue
            }
            guard !book.title.isEmpty else {
                let key = book.openlibraryEditionKey ?? book.isbn13 ?? ""
                lines.append(Self.failure(item.row, "no edition in the catalog has the key \(key), and the file gives no title to add it by"))
                continue
            }
            switch try await EditionQueries.create(Self.newEdition(book, createdBy: userID), on: db) {
            case let .created(edition, _):
                matches.add(edition, matchKey: item.matchKey)
                found.append((item, edition, true))
            case let .isbnTaken(existingID):
                guard let edition = try await EditionQueries.find(existingID, on: db) else {
                    lines.append(Self.failure(item.row, "its ISBN belongs to an edition that could not be read"))
                    continue
                }
                found.append((item, edition, false))
            case .unknownAuthors, .unknownWork:
                lines.append(Self.failure(item.row, "its authors could not be added to the catalog"))
            }
        }
        var library = try await ImportLibraryQueries.library(userID: userID, editionIDs: Set(found.map(\.edition.id)), on: db)
        var shelves = shelves
        // Counter rows of works are taken in ascending work order within the batch, as every
        // other write path takes them, so two imports at once can't deadlock on them.
        let ordered = found.enumerated().sorted { ($0.element.edition.workID, $0.offset) < ($1.element.edition.workID, $1.offset) }
        for (_, item) in ordered {
            let outcome = try await add(item.ready.book, to: item.edition, library: &library, shelves: &shelves, on: db)
            switch outcome {
            case let .failure(problem): lines.append(Self.failure(item.ready.row, problem.reason))
            case let .success(added):
                let result: ImportRowResult = item.created ? .created : added ? .matched : .skipped
                lines.append(ImportRowRecord(number: Int64(item.ready.row.number), result: result, editionID: item.edition.id, reason: nil, cells: []))
            }
        }
        lines.sort { $0.number < $1.number }
        try await ImportQueries.record(importID, lines: lines, replaced: replaced, rowsDone: rowsDone, on: db)
        return shelves
    }

    /// Writes what the row adds to the reader's library; returns whether it added anything.
    private func add(
        _ book: ImportedBook, to edition: EditionRecord, library: inout ImportLibrary, shelves: inout ImportShelves,
        on db: any SQLDatabase
    ) async throws -> Result<Bool, RowProblem> {
        var added = false
        for shelving in book.shelvings {
            let shelf: ShelfRecord
            switch try await shelves.shelf(for: shelving, privacy: shelfPrivacy, userID: userID, on: db) {
            case let .success(found): shelf = found
            case let .failure(problem): return .failure(problem)
            }
            guard !library.has(shelfID: shelf.id, editionID: edition.id) else { continue }
            _ = try await ShelfBookQueries.shelve(shelf, edition: edition, at: shelving.shelvedAt, on: db)
            if shelf.isDefault {
                // Shelving on a default shelf took the book off the others.
                for other in shelves.defaultShelves where other.id != shelf.id {
                    library.forget(shelfID: other.id, editionID: edition.id)
                }
            }
            library.note(shelfID: shelf.id, editionID: edition.id)
            added = true
        }
        for readthrough in book.readthroughs where !library.has(readthrough, editionID: edition.id) {
            try await ImportLibraryQueries.addReadthrough(readthrough, userID: userID, editionID: edition.id, on: db)
            library.note(readthrough, editionID: edition.id)
            added = true
        }
        var changes = CounterChanges()
        for status in book.statuses where !library.has(status, editionID: edition.id) {
            let privacy = book.privacyFromFile ? status.privacy : privacy
            try await ImportLibraryQueries.addStatus(status, privacy: privacy, userID: userID, edition: edition, changes: &changes, on: db)
            library.note(status, editionID: edition.id)
            added = true
        }
        try await changes.apply(on: db)
        return .success(added)
    }

    static func failure(_ row: ImportRow, _ reason: String) -> ImportRowRecord {
        ImportRowRecord(number: Int64(row.number), result: .failed, editionID: nil, reason: "row \(row.number): \(reason)", cells: row.cells)
    }

    static func newEdition(_ book: ImportedBook, createdBy: Int64) -> NewEdition {
        var new = NewEdition(title: book.title)
        new.subtitle = book.subtitle
        new.description = book.description
        new.pages = book.pages
        new.publishers = book.publisher.map { [$0] } ?? []
        new.publishedDate = book.publishedDate
        new.physicalFormat = book.physicalFormat
        new.isbn10 = book.isbn10
        new.isbn13 = book.isbn13
        new.openlibraryKey = book.openlibraryEditionKey
        new.goodreadsKey = book.goodreadsKey
        new.authorNames = book.authors
        new.createdBy = createdBy
        return new
    }
}
