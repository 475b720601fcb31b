import QuireCore
import QuireExchange
import SQLKit

/// The statements of one batch of an export, each for the whole batch at once (`IN` over the
/// batch's ids), each keyed so that a batch is assembled without a second look-up.
extension AccountExportQueries {
    /// Editions with their works, each by primary key: two statements, not a join, because
    /// PostgreSQL merge-joined the whole works index against a batch once its statistics said the
    /// tables were small (as it did with authors).
    static func editionsWithWorks(_ ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: (edition: ExchangeEdition, work: ExchangeWork)] {
        let rows = try await db.raw("""
            SELECT id, work_id, title, subtitle, description, languages, pages, publishers, published_date,
                   physical_format, isbn_10, isbn_13, openlibrary_key, goodreads_key
            FROM editions WHERE id IN (\(binds: ids))
            """).all()
        var editions: [(edition: ExchangeEdition, workID: Int64)] = []
        for row in rows {
            editions.append((ExchangeEdition(
                id: try row.decode(column: "id", as: Int64.self),
                title: try row.decode(column: "title", as: String.self),
                subtitle: try row.decode(column: "subtitle", as: String?.self),
                description: try row.decode(column: "description", as: String?.self),
                languages: JSONList.decode(try row.decode(column: "languages", as: String?.self)),
                pages: try row.decode(column: "pages", as: Int?.self),
                publishers: JSONList.decode(try row.decode(column: "publishers", as: String?.self)),
                publishedDate: try row.decode(column: "published_date", as: String?.self),
                physicalFormat: try row.decode(column: "physical_format", as: String?.self),
                isbn10: try row.decode(column: "isbn_10", as: String?.self),
                isbn13: try row.decode(column: "isbn_13", as: String?.self),
                openlibraryKey: try row.decode(column: "openlibrary_key", as: String?.self),
                goodreadsKey: try row.decode(column: "goodreads_key", as: String?.self)), try row.decode(column: "work_id", as: Int64.self)))
        }
        guard !editions.isEmpty else { return [:] }
        let workRows = try await db.raw("""
            SELECT id, title, openlibrary_key FROM works WHERE id IN (\(binds: Array(Set(editions.map(\.workID)))))
            """).all()
        var works: [Int64: ExchangeWork] = [:]
        for row in workRows {
            let work = ExchangeWork(
                id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
                openlibraryKey: try row.decode(column: "openlibrary_key", as: String?.self))
            works[work.id] = work
        }
        var found: [Int64: (edition: ExchangeEdition, work: ExchangeWork)] = [:]
        for (edition, workID) in editions {
            if let work = works[workID] { found[edition.id] = (edition, work) }
        }
        return found
    }

    /// The works' authors in their order on each work: the links through `work_authors`' key,
    /// then each author once by primary key, shared by every work of theirs in the batch (one
    /// copy a batch). Two statements, not a join: PostgreSQL merge-joined the whole authors
    /// index against a batch's links once the catalog had a thousand authors.
    static func authorsByWork(_ workIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: [ExchangeAuthor]] {
        guard !workIDs.isEmpty else { return [:] }
        let links = try await db.raw("""
            SELECT work_id, author_id FROM work_authors WHERE work_id IN (\(binds: workIDs)) ORDER BY work_id, position
            """).all().map { (work: try $0.decode(column: "work_id", as: Int64.self), author: try $0.decode(column: "author_id", as: Int64.self)) }
        guard !links.isEmpty else { return [:] }
        let rows = try await db.raw("""
            SELECT id, name, openlibrary_key, goodreads_key FROM authors WHERE id IN (\(binds: Array(Set(links.map(\.author)))))
            """).all()
        var authors: [Int64: ExchangeAuthor] = [:]
        for row in rows {
            let author = ExchangeAuthor(
                id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                openlibraryKey: try row.decode(column: "openlibrary_key", as: String?.self),
                goodreadsKey: try row.decode(column: "goodreads_key", as: String?.self))
            authors[author.id] = author
        }
        var byWork: [Int64: [ExchangeAuthor]] = [:]
        for link in links {
            if let author = authors[link.author] { byWork[link.work, default: []].append(author) }
        }
        return byWork
    }

    /// The reader's shelvings of the batch's editions, through `shelf_books_user_edition`, named
    /// from the reader's shelves read once for the whole export (`shelves`).
    static func shelvingsByEdition(
        userID: Int64, _ ids: [Int64], shelves: [Int64: AccountExportQueries.ExportShelf], on db: any SQLDatabase
    ) async throws -> [Int64: [ExchangeShelving]] {
        let rows = try await db.raw("""
            SELECT edition_id, shelf_id, shelved_at FROM shelf_books
            WHERE user_id = \(bind: userID) AND edition_id IN (\(binds: ids)) ORDER BY edition_id, shelved_at
            """).all()
        var byEdition: [Int64: [ExchangeShelving]] = [:]
        for row in rows {
            guard let shelf = shelves[try row.decode(column: "shelf_id", as: Int64.self)] else { continue }
            byEdition[try row.decode(column: "edition_id", as: Int64.self), default: []].append(ExchangeShelving(
                identifier: shelf.identifier, name: shelf.name, privacy: shelf.privacy,
                shelvedAt: try row.decode(column: "shelved_at", as: Int64.self)))
        }
        return byEdition
    }

    /// The reader's read-throughs of the batch's editions, oldest first, through `readthroughs_user_edition`.
    static func readthroughsByEdition(userID: Int64, _ ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: [ExchangeReadthrough]] {
        let rows = try await db.raw("""
            SELECT id, edition_id, started_on, finished_on, stopped_on, progress, progress_mode, created_at, updated_at
            FROM readthroughs WHERE user_id = \(bind: userID) AND edition_id IN (\(binds: ids)) ORDER BY edition_id, id
            """).all()
        var byEdition: [Int64: [ExchangeReadthrough]] = [:]
        for row in rows {
            byEdition[try row.decode(column: "edition_id", as: Int64.self), default: []].append(ExchangeReadthrough(
                id: try row.decode(column: "id", as: Int64.self),
                startedOn: try row.decode(column: "started_on", as: String?.self),
                finishedOn: try row.decode(column: "finished_on", as: String?.self),
                stoppedOn: try row.decode(column: "stopped_on", as: String?.self),
                progress: try row.decode(column: "progress", as: Int?.self),
                progressMode: try row.decode(column: "progress_mode", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Int64.self),
                updatedAt: try row.decode(column: "updated_at", as: Int64.self)))
        }
        return byEdition
    }

    /// The reader's reviews, comments and quotations of the batch's editions, oldest first,
    /// through `statuses_user_edition`.
    static func statusesByEdition(userID: Int64, _ ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: [ExchangeStatus]] {
        let rows = try await db.raw("""
            SELECT id, edition_id, kind, title, body, rating, quote, position, progress, content_warning, privacy, created_at, edited_at
            FROM statuses WHERE user_id = \(bind: userID) AND edition_id IS NOT NULL AND edition_id IN (\(binds: ids))
              AND kind IN \(unsafeRaw: bookStatusKinds) AND deleted_at IS NULL
            ORDER BY edition_id, id
            """).all()
        var byEdition: [Int64: [ExchangeStatus]] = [:]
        for row in rows {
            guard let kind = StatusKind(rawValue: try row.decode(column: "kind", as: String.self)),
                  let privacy = StatusPrivacy(rawValue: try row.decode(column: "privacy", as: String.self))
            else { throw DatabaseError.unexpected("a status with an unknown kind or privacy") }
            byEdition[try row.decode(column: "edition_id", as: Int64.self), default: []].append(ExchangeStatus(
                id: try row.decode(column: "id", as: Int64.self), kind: kind,
                title: try row.decode(column: "title", as: String?.self),
                body: try row.decode(column: "body", as: String.self),
                rating: try row.decode(column: "rating", as: Int?.self),
                quote: try row.decode(column: "quote", as: String?.self),
                position: try row.decode(column: "position", as: String?.self),
                progress: try row.decode(column: "progress", as: Int?.self),
                contentWarning: try row.decode(column: "content_warning", as: String?.self),
                privacy: privacy,
                createdAt: try row.decode(column: "created_at", as: Int64.self),
                editedAt: try row.decode(column: "edited_at", as: Int64?.self)))
        }
        return byEdition
    }
}
