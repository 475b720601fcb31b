import QuireCore
import QuireExchange
import SQLKit

/// What one batch of an import adds to a reader's library, gathered row by row and then written
/// a statement a table, with every counter it moves, in the caller's transaction. A statement a
/// row cost an import more than a millisecond a row on SQLite, most of it in the hop to the
/// database's thread and back (a perf profile: a third of the time in futex waits), so a batch of
/// 500 rows is about a dozen statements instead of eight thousand.
///
/// Only additions go through here: a row that moves a book between default shelves is written by
/// `ShelfBookQueries.shelve`, which takes it off the other shelf.
public struct ImportLibraryWrites: Sendable {
    struct Shelving: Sendable {
        let shelf: ShelfRecord
        let edition: EditionRecord
        let shelvedAt: Int64
    }

    struct Status: Sendable {
        let status: ExchangeStatus
        let privacy: StatusPrivacy
        let edition: EditionRecord
    }

    let userID: Int64
    var shelvings: [Shelving] = []
    var readthroughs: [(editionID: Int64, readthrough: ImportedReadthrough)] = []
    var statuses: [Status] = []

    public init(userID: Int64) { self.userID = userID }

    public var isEmpty: Bool { shelvings.isEmpty && readthroughs.isEmpty && statuses.isEmpty }

    public mutating func shelve(_ edition: EditionRecord, on shelf: ShelfRecord, at shelvedAt: Int64) {
        shelvings.append(Shelving(shelf: shelf, edition: edition, shelvedAt: shelvedAt))
    }

    /// Drops a shelving gathered but not yet written (a later row of the batch moves the book to
    /// another default shelf); false when there is none, so it is in the database.
    public mutating func cancelShelving(shelfID: Int64, editionID: Int64) -> Bool {
        guard let index = shelvings.firstIndex(where: { $0.shelf.id == shelfID && $0.edition.id == editionID }) else { return false }
        shelvings.remove(at: index)
        return true
    }

    public mutating func add(_ readthrough: ImportedReadthrough, of editionID: Int64) {
        readthroughs.append((editionID, readthrough))
    }

    /// An imported review, comment or quotation, dated as the file dates it. Unlike a status
    /// posted now it goes to no home timeline and notifies nobody: it is the reader's history,
    /// shown on their profile and the book, not news.
    public mutating func add(_ status: ExchangeStatus, privacy: StatusPrivacy, about edition: EditionRecord) {
        statuses.append(Status(status: status, privacy: privacy, edition: edition))
    }

    /// Writes everything gathered. Counters move in the lock order of `Counters`: the user's row
    /// first, then shelves, then works in ascending order.
    public func write(on db: any SQLDatabase) async throws {
        guard !isEmpty else { return }
        try await Counters.lockUser(userID, on: db)
        var changes = CounterChanges()
        if !shelvings.isEmpty { try await writeShelvings(on: db) }
        let now = Timestamp.microsecondsNow()
        for chunk in readthroughs.chunked(SQLQueryString.valueRowsPerStatement(columns: 7)) {
            let values = SQLQueryString.valueRows(chunk.map { item -> [any Encodable & Sendable] in
                let r = item.readthrough
                return [userID, item.editionID, r.startedOn, r.finishedOn, r.stoppedOn, now, now]
            })
            try await db.raw("""
                INSERT INTO readthroughs (user_id, edition_id, started_on, finished_on, stopped_on, created_at, updated_at)
                VALUES \(values)
                """).run()
        }
        for chunk in statuses.chunked(SQLQueryString.valueRowsPerStatement(columns: 14)) {
            let values = SQLQueryString.valueRows(chunk.map { item -> [any Encodable & Sendable] in
                let s = item.status
                return [userID, s.kind.rawValue, item.edition.id, item.edition.workID, s.title, s.body, s.rating, s.quote, s.position,
                        s.progress, s.contentWarning, item.privacy.rawValue, s.createdAt, s.editedAt]
            })
            try await db.raw("""
                INSERT INTO statuses (user_id, kind, edition_id, work_id, title, body, rating, quote, position, progress, content_warning,
                                      privacy, created_at, edited_at)
                VALUES \(values)
                """).run()
        }
        // Imported statuses make no home entries; those who merge the importer in (a
        // broadcaster's followers) see them.
        if !statuses.isEmpty { db.changed(.posted(userID)) }
        for item in statuses {
            changes.statuses(of: userID, privacy: item.privacy.rawValue, 1)
            if item.status.kind == .review, Counters.countsForEveryone(item.privacy.rawValue) {
                changes.review(work: item.edition.workID, halfStars: item.status.rating, 1)
            }
        }
        try await changes.apply(on: db)
    }

    /// The shelvings in one statement; only those that went in (a concurrent write may have put
    /// one there first) are counted.
    private func writeShelvings(on db: any SQLDatabase) async throws {
        var rows: [any SQLRow] = []
        for chunk in shelvings.chunked(SQLQueryString.valueRowsPerStatement(columns: 5)) {
            let values = SQLQueryString.valueRows(chunk.map { [$0.shelf.id, $0.edition.id, userID, $0.edition.workID, $0.shelvedAt] })
            rows += try await db.raw("""
                INSERT INTO shelf_books (shelf_id, edition_id, user_id, work_id, shelved_at) VALUES \(values)
                ON CONFLICT (shelf_id, edition_id) DO NOTHING
                RETURNING shelf_id, work_id
                """).all()
        }
        let defaults = Dictionary(shelvings.map { ($0.shelf.id, $0.shelf.defaultShelf) }, uniquingKeysWith: { a, _ in a })
        var perShelf: [Int64: Int64] = [:]
        var perWork: [Int64: Int64] = [:]
        for row in rows {
            perShelf[try row.decode(column: "shelf_id", as: Int64.self), default: 0] += 1
            perWork[try row.decode(column: "work_id", as: Int64.self), default: 0] += 1
        }
        var perDefault: [DefaultShelf: Int64] = [:]
        for (shelf, n) in perShelf { if let defaultShelf = defaults[shelf] ?? nil { perDefault[defaultShelf, default: 0] += n } }
        for shelf in DefaultShelf.allCases where (perDefault[shelf] ?? 0) != 0 {
            try await Counters.addUserBooks(userID, shelf, perDefault[shelf] ?? 0, on: db)
        }
        for shelf in perShelf.keys.sorted() {
            try await Counters.addShelfBooks(shelf, perShelf[shelf] ?? 0, on: db)
            db.changed(.shelf(shelf))
        }
        try await Counters.addWorkShelvings(userID, perWork.keys.sorted().map { ($0, perWork[$0] ?? 0) }, on: db)
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
