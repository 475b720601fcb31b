/// Who sees what: the privacies of someone else's things a viewer may see.
public enum Visibility {
    /// The owner sees everything; a follower sees public and followers-only things; anyone else,
    /// signed in or not, sees public things only. A private thing doesn't exist for anyone but
    /// its owner: callers answer 404, never 403, so its existence isn't revealed.
    public static func privacies(viewerID: Int64?, ownerID: Int64, viewerFollowsOwner: Bool) -> [String] {
        if viewerID == ownerID { return Privacy.allCases.map(\.rawValue) }
        if viewerFollowsOwner { return [Privacy.public.rawValue, Privacy.followers.rawValue] }
        return [Privacy.public.rawValue]
    }
}
