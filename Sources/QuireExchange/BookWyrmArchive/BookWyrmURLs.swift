/// The URLs an archive names things by, under the server's public base URL. Books, works and
/// authors use Quire's ids in BookWyrm's path shapes; BookWyrm's importer looks an edition up by
/// these (and by its ISBNs and other keys) and otherwise creates it from the archive's data.
struct BookWyrmURLs {
    let publicURL: String
    let username: String

    static let publicAudience = "https://www.w3.org/ns/activitystreams#Public"

    var actor: String { user(username) }
    var followers: String { actor + "/followers" }

    func user(_ name: String) -> String { "\(publicURL)/user/\(name)" }
    func edition(_ id: Int64) -> String { "\(publicURL)/book/\(id)" }
    func work(_ id: Int64) -> String { "\(publicURL)/work/\(id)" }
    func author(_ id: Int64) -> String { "\(publicURL)/author/\(id)" }
    func status(_ id: Int64) -> String { "\(publicURL)/status/\(id)" }
    func shelf(_ identifier: String) -> String { "\(actor)/books/\(identifier)" }
    func readthrough(_ id: Int64) -> String { "\(actor)/readthrough/\(id)" }

    /// BookWyrm's audience for a privacy (its `PrivacyField`): public goes to everyone with the
    /// followers copied, unlisted the other way round, followers to the followers only, and
    /// direct (Quire's private shelves) to no one but the mentioned, here none.
    func audience(_ privacy: String) -> (to: [String], cc: [String]) {
        switch privacy {
        case "public": ([Self.publicAudience], [followers])
        case "unlisted": ([followers], [Self.publicAudience])
        case "followers": ([followers], [])
        default: ([], [])
        }
    }
}
