import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport

/// Everything AuthorizationMatrix's rows name, built once per engine through the real API: ada's
/// statuses of every audience and kind, cyd's boosts of her notes, her shelves of every privacy,
/// and the viewers, with the follows and blocks that make them who they are.
struct AuthorizationMatrixFixture {
    typealias Matrix = AuthorizationMatrix

    let users: [Matrix.Viewer: APIUser]
    /// cyd, who writes the root ada replies to, is mentioned by the "direct to cyd" statuses and
    /// boosts ada's notes. No viewer follows cyd.
    let cyd: APIUser
    let root: Int64
    let work: Int64
    let edition: Int64
    /// The status each status row names; a "direct to the viewer" row names one per viewer.
    let statuses: [Matrix.Resource: [Matrix.Viewer: Int64]]
    /// Each shelf row's default and custom shelf, and the profile field counting the default one.
    let shelves: [Matrix.Resource: [Int64]]
    let shelfCountFields: [Matrix.Resource: String]

    func status(_ resource: Matrix.Resource, for viewer: Matrix.Viewer) -> Int64? { statuses[resource]?[viewer] }

    static func build(_ client: any TestClientProtocol, _ database: Database) async throws -> Self {
        let ada = try await client.signUp("ada")
        let cyd = try await client.signUp("cyd")
        var users: [Matrix.Viewer: APIUser] = [.owner: ada]
        for (viewer, name) in [(Matrix.Viewer.follower, "fan"), (.stranger, "sam"), (.blocked, "bad"), (.blocker, "bea")] {
            users[viewer] = try await client.signUp(name)
        }
        users[.admin] = try await client.signUpAdmin("root", database: database)
        for viewer in [Matrix.Viewer.follower, .blocked, .blocker] { try await client.follow("ada", as: users[viewer]!) }

        var books: [[String: Any]] = []
        for number in 1...3 { books.append(try await client.addEdition("Book \(number)", as: ada)) }
        let (edition, work) = (books[0].int("id") ?? 0, books[0].int("work_id") ?? 0)
        let root = try await client.note("what are you reading?", as: cyd).int("id") ?? 0

        var statuses: [Matrix.Resource: [Matrix.Viewer: Int64]] = [:]
        for audience in Matrix.Audience.allCases {
            // Who each status is for: one per mentionable viewer, or the same status for all.
            let targets: [([Matrix.Viewer], String)] = switch audience {
            case .directToViewer: Matrix.mentionable.map { ([$0], "@\(users[$0]!.username) ") }
            case .directToOther: [(Matrix.Viewer.allCases, "@cyd ")]
            default: [(Matrix.Viewer.allCases, "")]
            }
            for (viewers, mention) in targets {
                let base: [String: Any] = ["body": "\(mention)a \(audience.rawValue) status", "privacy": audience.privacy]
                let note = try await client.post(base.merging(["type": "note"]) { $1 }, as: ada).int("id") ?? 0
                let reply = try await client.post(base.merging(["type": "note", "in_reply_to_id": root]) { $1 }, as: ada).int("id") ?? 0
                let review = try await client.post(base.merging(["type": "review", "edition_id": edition, "rating": 4]) { $1 }, as: ada).int("id") ?? 0
                for viewer in viewers {
                    statuses[.note(audience), default: [:]][viewer] = note
                    statuses[.reply(audience), default: [:]][viewer] = reply
                    statuses[.review(audience), default: [:]][viewer] = review
                }
                if audience.isForEveryone {
                    try await client.must(.post, "/v1/statuses/\(note)/boost", as: cyd)
                }
            }
        }
        // A boost's id is on the booster's list, as its `boost_of` the note it boosts.
        let cydsBoosts = try await client.must(.get, "/v1/users/cyd/statuses?limit=100", as: cyd).items
        for audience in Matrix.Audience.allCases where audience.isForEveryone {
            let note = statuses[.note(audience)]?[.owner]
            let boost = cydsBoosts.first { ($0["boost_of"] as? [String: Any])?.int("id") == note }?.int("id") ?? 0
            statuses[.boost(audience)] = Dictionary(uniqueKeysWithValues: Matrix.Viewer.allCases.map { ($0, boost) })
        }

        // The default shelves: to-read public, reading followers-only, read private; each holds a book.
        let defaults = try await client.must(.get, "/v1/users/ada/shelves", as: ada).items
        var shelves: [Matrix.Resource: [Int64]] = [:]
        var shelfCountFields: [Matrix.Resource: String] = [:]
        for (index, (privacy, identifier)) in [("public", "to-read"), ("followers", "reading"), ("private", "read")].enumerated() {
            let shelf = defaults.first { $0["identifier"] as? String == identifier }?.int("id") ?? 0
            try await client.must(.patch, "/v1/shelves/\(shelf)", as: ada, json: ["privacy": privacy])
            let custom = try await client.must(.post, "/v1/shelves", as: ada, json: ["name": "A \(privacy) shelf", "privacy": privacy]).int("id") ?? 0
            for id in [shelf, custom] { try await client.must(.put, "/v1/shelves/\(id)/books/\(books[index].int("id") ?? 0)", as: ada) }
            shelves[.shelf(privacy)] = [shelf, custom]
            shelfCountFields[.shelf(privacy)] = identifier.replacingOccurrences(of: "-", with: "_") + "_count"
        }

        // Last, so the blocks have follows, mentions and home entries to outdo.
        try await client.must(.post, "/v1/users/bad/block", as: ada)
        try await client.must(.post, "/v1/users/ada/block", as: users[.blocker]!)
        return Self(users: users, cyd: cyd, root: root, work: work, edition: edition, statuses: statuses,
                    shelves: shelves, shelfCountFields: shelfCountFields)
    }
}

extension TestClientProtocol {
    /// A setup request that must succeed; its JSON body.
    @discardableResult
    func must(_ method: HTTPRequest.Method, _ uri: String, as user: APIUser, json: Any? = nil) async throws -> [String: Any] {
        let response = try await send(method, uri, as: user, json: json)
        guard (200..<300).contains(response.status.code) else {
            throw TestSetupError("\(method) \(uri) as \(user.username): \(response.status) \(String(buffer: response.body))")
        }
        return response.body.json
    }
}
