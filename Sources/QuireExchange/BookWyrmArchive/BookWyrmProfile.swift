import QuireCore

/// The account part of archive.json, written before the books.
struct BookWyrmProfile {
    let profile: ExchangeProfile
    let urls: BookWyrmURLs

    /// Everything up to and including `"books": [`. Settings Quire doesn't have take BookWyrm's
    /// defaults for a new account (not discoverable, follows shown, goal shown, UTC, suggested
    /// users shown); the default post privacy is the one Quire posts with for this account.
    func writeHead(to json: ArchiveJSONWriter) throws {
        try json.openObject()
        try json.field("id", urls.actor)
        try json.field("type", "Person")
        try json.field("preferredUsername", profile.username)
        // BookWyrm's importer runs strip_tags on the summary, which turns null into "None".
        try json.field("name", profile.displayName ?? "")
        try json.field("summary", profile.summary.map(PlainTextHTML.paragraphs) ?? "")
        try json.key("icon")
        try json.openObject()
        try json.closeObject()
        try json.field("manuallyApprovesFollowers", profile.manuallyApprovesFollowers)
        try json.field("discoverable", false)
        try json.field("hideFollows", false)
        try json.key("settings")
        try json.openObject()
        try json.field("show_goal", true)
        try json.field("preferred_timezone", "UTC")
        try json.field("default_post_privacy", StatusPrivacy(accountDefault: profile.defaultPrivacy).rawValue)
        try json.field("show_suggested_users", true)
        try json.closeObject()
        try json.emptyArrayField("goals")
        try json.key("books")
        try json.openArray()
    }
}
