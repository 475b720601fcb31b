import QuireCore
import SQLKit

/// Why a status couldn't be posted, for the API to name the field at fault.
public enum StatusWriteError: Error, Sendable, Equatable {
    case replyTargetNotFound
    case notBoostable
}

/// Changes to a status's text; nil leaves a field as it is, `.some(nil)` clears it.
public struct StatusChanges: Sendable {
    public var title: String??
    public var body: String?
    public var rating: Int??
    public var quote: String??
    public var position: String??
    public var progress: Int??
    public var contentWarning: String??

    public init() {}
}

/// Reads and writes of statuses. Every read goes through `StatusVisibility`.
public enum StatusQueries {
    /// Posts a status: the row, its mentions, its place in home timelines, notifications for the
    /// replied-to author and those mentioned, and every counter it moves, in one transaction.
    public static func create(_ new: NewStatus, on db: any SQLDatabase) async throws -> StatusRecord {
        var changes = CounterChanges()
        var threadID: Int64?
        var parentAuthor: Int64?
        if let parentID = new.inReplyToID {
            guard let parent = try await find(parentID, viewer: new.userID, on: db), parent.kind != StatusKind.boost.rawValue else {
                throw StatusWriteError.replyTargetNotFound
            }
            threadID = parent.threadID ?? parent.id
            parentAuthor = parent.userID
            if Counters.countsForEveryone(new.privacy.rawValue) { changes.status(parent.id, actor: new.userID, replies: 1) }
        }
        let mentioned = try await mentionable(in: [new.title, new.body, new.quote].compactMap { $0 }.joined(separator: " "), by: new.userID, on: db)
        guard let row = try await db.raw("""
            INSERT INTO statuses (user_id, kind, edition_id, work_id, title, body, rating, quote, position, progress, content_warning,
                                  privacy, in_reply_to_id, thread_id, created_at)
            VALUES (\(bind: new.userID), \(bind: new.kind.rawValue), \(bind: new.edition?.id), \(bind: new.edition?.workID), \(bind: new.title),
                    \(bind: new.body), \(bind: new.rating), \(bind: new.quote), \(bind: new.position), \(bind: new.progress),
                    \(bind: new.contentWarning), \(bind: new.privacy.rawValue), \(bind: new.inReplyToID), \(bind: threadID),
                    \(bind: Timestamp.microsecondsNow()))
            RETURNING \(unsafeRaw: StatusRecord.columns.joined(separator: ", "))
            """).first()
        else { throw DatabaseError.unexpected("INSERT INTO statuses returned no row") }
        let status = try StatusRecord(row: row)
        for userID in mentioned {
            try await db.raw("INSERT INTO status_mentions (status_id, user_id) VALUES (\(bind: status.id), \(bind: userID))").run()
        }
        try await HomeTimelineQueries.fanOut(status, mentioned: mentioned, on: db)
        if let parentAuthor, try await may(parentAuthor, see: new, mentioned: mentioned, on: db) {
            try await NotificationQueries.notify(parentAuthor, .reply, actor: new.userID, statusID: status.id, changes: &changes, on: db)
        }
        for userID in mentioned where userID != parentAuthor {
            try await NotificationQueries.notify(userID, .mention, actor: new.userID, statusID: status.id, changes: &changes, on: db)
        }
        changes.statuses(of: new.userID, privacy: new.privacy.rawValue, 1)
        if let workID = status.workID, status.kind == StatusKind.review.rawValue, Counters.countsForEveryone(status.privacy) {
            changes.review(work: workID, halfStars: status.rating, 1)
        }
        try await changes.apply(on: db)
        return status
    }

    /// Whether `reader` may read the new status, so a notification never points at a status its
    /// recipient can't open (a direct reply that doesn't mention them, a followers-only reply to
    /// someone who doesn't follow its author). One primary-key probe at most.
    static func may(_ reader: Int64, see new: NewStatus, mentioned: [Int64], on db: any SQLDatabase) async throws -> Bool {
        if reader == new.userID || new.privacy.isBoostable || mentioned.contains(reader) { return true }
        guard new.privacy == .followers else { return false }
        return try await db.raw("""
            SELECT 1 AS x FROM follows WHERE follower_id = \(bind: reader) AND followee_id = \(bind: new.userID)
            """).first() != nil
    }

    /// The ids of the users `@mentioned` in `text` who exist and share no block with the author,
    /// in one statement through `users_username_key`.
    static func mentionable(in text: String, by author: Int64, on db: any SQLDatabase) async throws -> [Int64] {
        let names = Array(StatusRules.mentions(in: text).prefix(StatusRules.maxMentions))
        guard !names.isEmpty else { return [] }
        return try await db.raw("""
            SELECT u.id FROM users u WHERE u.username_key IN (\(binds: names)) AND \(StatusVisibility.notBlocked("u.id", viewer: author))
            ORDER BY u.id
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// The status if `viewer` (0: nobody signed in) may see it.
    public static func find(_ id: Int64, viewer: Int64, on db: any SQLDatabase) async throws -> StatusRecord? {
        try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns("s")) FROM statuses s WHERE s.id = \(bind: id) AND \(StatusVisibility.condition("s", viewer: viewer))
            """).first().map(StatusRecord.init)
    }

    /// Edits the author's own status, keeping the edit time. Privacy can't change: the status has
    /// already gone out to the audience it had. A review's rating change moves its work's ratings.
    public static func update(_ id: Int64, author: Int64, _ edit: StatusChanges, on db: any SQLDatabase) async throws -> StatusRecord? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: StatusRecord.columns.joined(separator: ", ")) FROM statuses
            WHERE id = \(bind: id) AND user_id = \(bind: author) AND deleted_at IS NULL AND kind <> \(bind: StatusKind.boost.rawValue)
            """).first()
        else { return nil }
        let old = try StatusRecord(row: row)
        let (title, body, rating) = (edit.title ?? old.title, edit.body ?? old.body, edit.rating ?? old.rating)
        let (quote, position) = (edit.quote ?? old.quote, edit.position ?? old.position)
        let (progress, contentWarning) = (edit.progress ?? old.progress, edit.contentWarning ?? old.contentWarning)
        db.changed(.status(id))
        // The edited row as stored, a new record (records are never changed in place: see `StatusRecord`).
        guard let new = try await db.raw("""
            UPDATE statuses SET title = \(bind: title), body = \(bind: body), rating = \(bind: rating), quote = \(bind: quote),
                position = \(bind: position), progress = \(bind: progress), content_warning = \(bind: contentWarning),
                edited_at = \(bind: Timestamp.microsecondsNow())
            WHERE id = \(bind: id)
            RETURNING \(unsafeRaw: StatusRecord.columns.joined(separator: ", "))
            """).first().map(StatusRecord.init)
        else { throw DatabaseError.unavailable("updating a status returned no row") }
        if let workID = old.workID, old.kind == StatusKind.review.rawValue, old.rating != new.rating, Counters.countsForEveryone(old.privacy) {
            var changes = CounterChanges()
            changes.review(work: workID, halfStars: old.rating, -1)
            changes.review(work: workID, halfStars: new.rating, 1)
            try await changes.apply(on: db)
        }
        return new
    }

    /// Soft-deletes the author's own status and takes it out of every count it was in.
    /// Returns whether there was such a status.
    public static func delete(_ id: Int64, author: Int64, on db: any SQLDatabase) async throws -> Bool {
        guard let row = try await db.raw("""
            UPDATE statuses SET deleted_at = \(bind: Timestamp.microsecondsNow())
            WHERE id = \(bind: id) AND user_id = \(bind: author) AND deleted_at IS NULL AND kind <> \(bind: StatusKind.boost.rawValue)
            RETURNING \(unsafeRaw: StatusRecord.columns.joined(separator: ", "))
            """).first()
        else { return false }
        let status = try StatusRecord(row: row)
        db.changed(.status(id))
        var changes = CounterChanges()
        changes.statuses(of: author, privacy: status.privacy, -1)
        if let workID = status.workID, status.kind == StatusKind.review.rawValue, Counters.countsForEveryone(status.privacy) {
            changes.review(work: workID, halfStars: status.rating, -1)
        }
        if let parentID = status.inReplyToID, Counters.countsForEveryone(status.privacy) {
            changes.status(parentID, actor: author, replies: -1)
        }
        try await changes.apply(on: db)
        return true
    }
}
