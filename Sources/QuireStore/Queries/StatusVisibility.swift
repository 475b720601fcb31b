import QuireCore
import SQLKit

/// Who may see a status, as one SQL condition every status read path shares, so a timeline, a
/// thread and a single status can't disagree. For the status aliased `alias` and the viewer
/// (0 for nobody signed in): not deleted; public or unlisted, or the viewer's own, or
/// followers-only and the viewer follows the author, or the viewer is mentioned (which is the
/// only way to see a direct status); no block either way between viewer and author; and for a
/// boost, the boosted status is still there and its author and the viewer don't block each other.
/// Every branch is a primary-key probe (follows, status_mentions, blocks, statuses), so a page
/// costs a few probes per row, never a scan.
enum StatusVisibility {
    static func condition(_ alias: String, viewer: Int64) -> SQLQueryString {
        let s = alias
        return """
            (\(unsafeRaw: s).privacy IN (\(bind: StatusPrivacy.public.rawValue), \(bind: StatusPrivacy.unlisted.rawValue))
                 OR \(unsafeRaw: s).user_id = \(bind: viewer)
                 OR (\(unsafeRaw: s).privacy = \(bind: StatusPrivacy.followers.rawValue)
                     AND EXISTS (SELECT 1 FROM follows vf WHERE vf.follower_id = \(bind: viewer) AND vf.followee_id = \(unsafeRaw: s).user_id))
                 OR EXISTS (SELECT 1 FROM status_mentions vm WHERE vm.status_id = \(unsafeRaw: s).id AND vm.user_id = \(bind: viewer)))
            AND \(alive(s, viewer: viewer))
            """
    }

    /// What can change after a status reached a home timeline: it was deleted, a block came
    /// between its author and the reader, or the status it boosts went. Privacy can't change
    /// after posting, and an entry is only ever made for a reader the privacy allowed (and taken
    /// out on unfollow), so a home entry needs only this part of the condition.
    static func alive(_ alias: String, viewer: Int64) -> SQLQueryString {
        let s = alias
        return """
            \(unsafeRaw: s).deleted_at IS NULL
            AND \(notBlocked("\(s).user_id", viewer: viewer))
            AND (\(unsafeRaw: s).boost_of_id IS NULL OR EXISTS (
                SELECT 1 FROM statuses vo WHERE vo.id = \(unsafeRaw: s).boost_of_id AND vo.deleted_at IS NULL
                AND \(notBlocked("vo.user_id", viewer: viewer))))
            """
    }

    /// `alive`'s rules on records, for a page whose ids were picked by `alive` earlier and are
    /// read again from memory (`HomeHead.stillShows`): the status is not deleted and, for a
    /// boost, the status it boosts is there (`original`) and not deleted. The records come
    /// through the statuses cache, which holds deleted rows and drops an entry at every delete.
    /// The block half is not checked here: a block or an unblock drops the page of both accounts
    /// (`CacheKey.home`). Keep the two in step.
    static func isAlive(_ status: StatusRecord, original: StatusRecord?) -> Bool {
        guard status.deletedAt == nil else { return false }
        guard let boostOfID = status.boostOfID else { return true }
        guard let original, original.id == boostOfID else { return false }
        return original.deletedAt == nil
    }

    /// Neither the viewer nor the user in `column` blocks the other.
    ///
    /// Most viewers are in no block at all, so that is asked first, once a statement: the two
    /// probes name no column of the row, so both engines run them once (SQLite a SCALAR SUBQUERY,
    /// PostgreSQL an InitPlan) and skip the per-row probes when both find nothing. A page of 21
    /// home entries made four block probes a row before; measured on the small seed (SQLite,
    /// warm), its statement took 93 us with them and 51 us with the check first.
    static func notBlocked(_ column: String, viewer: Int64) -> SQLQueryString {
        """
        ((NOT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = \(bind: viewer))
          AND NOT EXISTS (SELECT 1 FROM blocks WHERE blocked_id = \(bind: viewer)))
         OR (NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.blocker_id = \(bind: viewer) AND vb.blocked_id = \(unsafeRaw: column))
             AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.blocker_id = \(unsafeRaw: column) AND vb.blocked_id = \(bind: viewer))))
        """
    }
}
