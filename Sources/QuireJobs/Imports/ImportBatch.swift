import QuireCore
import QuireExchange
import QuireStore
import SQLKit

/// One batch of an import's rows, written in one transaction with their report lines and the
/// import's counts and cursor. A statement a row would cost more than the rows' own work (each is
/// a hop to the database's thread), so the batch is read and written a statement a table: the
/// catalog looked up (three statements) and the missing editions made (four), the reader's
/// library for the batch's editions read (three), and what the rows add written
/// (`ImportLibraryWrites`, about a dozen). A second import of the same file writes nothing but
/// its report.
struct ImportBatch {
    let importID: Int64
    let userID: Int64
    /// Statuses the file gives no privacy for get this one.
    let privacy: StatusPrivacy
    /// Custom shelves the file makes get the account's default privacy.
    let shelfPrivacy: String
    let retrying: Bool

    /// A row made fit to store, with the key its edition is found or made by.
    private struct Ready {
        let row: ImportRow
        let book: ImportedBook
        let matchKey: String?
        /// ISBN-13, else the folded title and author: rows with the same key are one book.
        var bookKey: String? { book.isbn13.map { "isbn:" + $0 } ?? matchKey.map { "title:" + $0 } }
    }

    /// Editions made a statement: 18 columns a row, well under the engines' bound-value limits.
    static let editionsPerStatement = 1_000

    /// Writes `rows` (in file order, the first after the cursor `after`, the last being
    /// `rowsDone`), returning the user's shelves as they are after it (custom shelves may have
    /// been made). Throws `ImportMovedOn`, writing nothing, when another pass has moved the cursor.
    func write(_ rows: [ImportRow], after: Int64, rowsDone: Int64, shelves: ImportShelves, on db: any SQLDatabase) async throws -> ImportShelves {
        try await lockCursor(at: after, on: db)
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
        let (found, failures) = try await editions(for: ready, on: db)
        lines += failures
        var library = try await ImportLibraryQueries.library(userID: userID, editionIDs: Set(found.map(\.edition.id)), on: db)
        var shelves = shelves
        var writes = ImportLibraryWrites(userID: userID)
        for item in found {
            let outcome = try await add(item.ready.book, to: item.edition, library: &library, shelves: &shelves, writes: &writes, on: db)
            switch outcome {
            case let .failure(problem): lines.append(Self.failure(item.ready.row, problem.reason))
            case let .success(added):
                let result: ImportRowResult = item.created ? .created : added ? .matched : .skipped
                lines.append(ImportRowRecord(number: Int64(item.ready.row.number), result: result, editionID: item.edition.id, reason: nil, cells: []))
            }
        }
        try await writes.write(on: db)
        lines.sort { $0.number < $1.number }
        try await ImportQueries.record(importID, lines: lines, replaced: replaced, rowsDone: rowsDone, on: db)
        return shelves
    }

    /// Fails `row`, which the database refused to store (`DataRefusal`), with its words: written
    /// alone after the cursor `after`, as `write` writes a batch of one. A retry pass fails again
    /// only a row that had failed, as it writes no other.
    func refuse(_ row: ImportRow, reason: String, after: Int64, on db: any SQLDatabase) async throws {
        try await lockCursor(at: after, on: db)
        let number = Int64(row.number)
        var replaced: [ImportRowResult] = []
        if retrying {
            guard try await ImportQueries.failedNumbers(importID, from: number, through: number, on: db).contains(number) else {
                try await ImportQueries.record(importID, lines: [], replaced: [], rowsDone: number, on: db)
                return
            }
            replaced = [.failed]
        }
        let line = Self.failure(row, "the database refused to store it (\(reason))")
        try await ImportQueries.record(importID, lines: [line], replaced: replaced, rowsDone: number, on: db)
    }

    /// Locks the import's cursor for this transaction; throws `ImportMovedOn` when another pass
    /// has moved it past `after`.
    private func lockCursor(at after: Int64, on db: any SQLDatabase) async throws {
        let cursor = try await ImportQueries.lockCursor(importID, on: db)
        guard let cursor else { throw ImportError.noSuchImport(importID) }
        guard cursor == after else { throw ImportMovedOn(importID: importID, expected: after, found: cursor) }
    }

    /// Each row's edition, found in the catalog or made (once for all the batch's rows that name
    /// the same book); `created` marks the row that made it.
    private func editions(
        for ready: [Ready], on db: any SQLDatabase
    ) async throws -> (found: [(ready: Ready, edition: EditionRecord, created: Bool)], failures: [ImportRowRecord]) {
        let matches = try await ImportCatalogQueries.lookup(
            isbn13s: Set(ready.compactMap(\.book.isbn13)), openlibraryKeys: Set(ready.compactMap(\.book.openlibraryEditionKey)),
            matchKeys: Set(ready.compactMap(\.matchKey)), on: db)
        /// Where a row's edition comes from: the catalog, or the batch's list of editions to make
        /// (`first`: this row is the one that makes it).
        enum Source { case catalog(EditionRecord), made(index: Int, first: Bool) }
        var failures: [ImportRowRecord] = []
        var toMake: [NewEdition] = []
        var makerOf: [String: Int] = [:]
        var pending: [(ready: Ready, source: Source)] = []
        for item in ready {
            let book = item.book
            if let edition = matches.edition(isbn13: book.isbn13, openlibraryKey: book.openlibraryEditionKey, matchKey: item.matchKey) {
                pending.append((item, .catalog(edition)))
            } else if book.title.isEmpty {
                let key = book.openlibraryEditionKey ?? book.isbn13 ?? ""
                failures.append(Self.failure(item.row, "no edition in the catalog has the key \(key), and the file gives no title to add it by"))
            } else if let key = item.bookKey, let index = makerOf[key] {
                pending.append((item, .made(index: index, first: false)))
            } else {
                if let key = item.bookKey { makerOf[key] = toMake.count }
                pending.append((item, .made(index: toMake.count, first: true)))
                toMake.append(Self.newEdition(book, createdBy: userID))
            }
        }
        var made: [EditionRecord] = []
        for start in stride(from: 0, to: toMake.count, by: Self.editionsPerStatement) {
            made += try await ImportCatalogQueries.create(Array(toMake[start..<min(start + Self.editionsPerStatement, toMake.count)]), on: db)
        }
        let found = pending.map { item -> (ready: Ready, edition: EditionRecord, created: Bool) in
            switch item.source {
            case let .catalog(edition): (item.ready, edition, false)
            case let .made(index, first): (item.ready, made[index], first)
            }
        }
        return (found, failures)
    }

    /// Gathers what the row adds to the reader's library; returns whether it adds anything.
    private func add(
        _ book: ImportedBook, to edition: EditionRecord, library: inout ImportLibrary, shelves: inout ImportShelves,
        writes: inout ImportLibraryWrites, on db: any SQLDatabase
    ) async throws -> Result<Bool, RowProblem> {
        var added = false
        for shelving in book.shelvings {
            let shelf: ShelfRecord
            switch try await shelves.shelf(for: shelving, privacy: shelfPrivacy, userID: userID, on: db) {
            case let .success(found): shelf = found
            case let .failure(problem): return .failure(problem)
            }
            guard !library.has(shelfID: shelf.id, editionID: edition.id) else { continue }
            let others = shelf.isDefault ? shelves.defaultShelves.filter { library.has(shelfID: $0.id, editionID: edition.id) } : []
            if others.isEmpty {
                writes.shelve(edition, on: shelf, at: shelving.shelvedAt ?? Timestamp.microsecondsNow())
            } else {
                // The book moves between default shelves: off the one it is on (not yet written,
                // or in the database already, where `shelve` takes it off), onto this one.
                for other in others {
                    library.forget(shelfID: other.id, editionID: edition.id)
                    if writes.cancelShelving(shelfID: other.id, editionID: edition.id) {
                        writes.shelve(edition, on: shelf, at: shelving.shelvedAt ?? Timestamp.microsecondsNow())
                    } else {
                        _ = try await ShelfBookQueries.shelve(shelf, edition: edition, at: shelving.shelvedAt, on: db)
                    }
                }
            }
            library.note(shelfID: shelf.id, editionID: edition.id)
            added = true
        }
        for readthrough in book.readthroughs where !library.has(readthrough, editionID: edition.id) {
            writes.add(readthrough, of: edition.id)
            library.note(readthrough, editionID: edition.id)
            added = true
        }
        for status in book.statuses where !library.has(status, editionID: edition.id) {
            writes.add(status, privacy: book.privacyFromFile ? status.privacy : privacy, about: edition)
            library.note(status, editionID: edition.id)
            added = true
        }
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
