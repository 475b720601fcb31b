/// The spec AuthorizationMatrixAPITests holds every read endpoint to: for each thing the owner
/// (ada) has, in each privacy it can have, which viewers may see it. Written from the README's
/// privacy rules, never from what the server answers.
enum AuthorizationMatrix {
    /// Who looks. `blocked`: ada blocked them; `blocker`: they blocked ada (both followed her
    /// before, so the block had follows and home entries to end); `admin` was made an
    /// administrator as `quire users grant-admin` does.
    enum Viewer: String, CaseIterable, Sendable {
        case owner, follower, stranger, blocked, blocker, anonymous, admin
    }

    /// A status's audience. `directToViewer` is one direct status per viewer it can mention.
    enum Audience: String, CaseIterable, Sendable {
        case `public`, unlisted, followers
        case directToOther = "direct to cyd"
        case directToViewer = "direct to the viewer"

        var privacy: String {
            switch self {
            case .public, .unlisted, .followers: rawValue
            case .directToOther, .directToViewer: "direct"
            }
        }

        /// What anyone may see: the only statuses that may be boosted, and the only ones a
        /// count shown to someone other than the owner or a follower may include.
        var isForEveryone: Bool { self == .public || self == .unlisted }
    }

    enum Resource: Hashable, Sendable, CustomStringConvertible {
        /// ada's profile, her statuses list and her shelves list (200 or 404).
        case profile
        /// A note of ada's.
        case note(Audience)
        /// ada's reply to cyd's public root.
        case reply(Audience)
        /// ada's rated review of a book.
        case review(Audience)
        /// cyd's boost of ada's note (only public and unlisted ones can be boosted).
        case boost(Audience)
        /// ada's default shelf and a custom shelf, both with this privacy.
        case shelf(String)

        var description: String {
            switch self {
            case .profile: "profile"
            case .note(let audience): "\(audience.rawValue) note"
            case .reply(let audience): "\(audience.rawValue) reply"
            case .review(let audience): "\(audience.rawValue) review"
            case .boost(let audience): "boost of a \(audience.rawValue) note"
            case .shelf(let privacy): "\(privacy) shelf"
            }
        }

        /// The status's audience, nil for what isn't a status.
        var audience: Audience? {
            switch self {
            case .note(let audience), .reply(let audience), .review(let audience), .boost(let audience): audience
            case .profile, .shelf: nil
            }
        }
    }

    enum Cell: Sendable { case visible, hidden, notApplicable }

    /// ✓ may see it: 200, or in the list. ✗ may not: 404, or left out of the list (a list that is
    /// itself 404, as a blocked profile's are, leaves it out too). · no such case: nobody mentions
    /// the owner to herself, and nobody can mention a signed-out viewer. Administrators read as
    /// strangers do: no read path asks whether the viewer is one (their powers are editing any
    /// edition and seeing and starting the server's jobs), and no status or shelf is theirs to see.
    static let rows: [(Resource, String)] = [
        //                                    owner follower stranger blocked blocker anonymous admin
        (.profile,                             "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.note(.public),                       "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.note(.unlisted),                     "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.note(.followers),                    "✓     ✓        ✗        ✗       ✗        ✗        ✗"),
        (.note(.directToOther),                "✓     ✗        ✗        ✗       ✗        ✗        ✗"),
        (.note(.directToViewer),               "·     ✓        ✓        ✗       ✗        ·        ✓"),
        (.reply(.public),                      "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.reply(.unlisted),                    "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.reply(.followers),                   "✓     ✓        ✗        ✗       ✗        ✗        ✗"),
        (.reply(.directToOther),               "✓     ✗        ✗        ✗       ✗        ✗        ✗"),
        (.reply(.directToViewer),              "·     ✓        ✓        ✗       ✗        ·        ✓"),
        (.review(.public),                     "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.review(.unlisted),                   "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.review(.followers),                  "✓     ✓        ✗        ✗       ✗        ✗        ✗"),
        (.review(.directToOther),              "✓     ✗        ✗        ✗       ✗        ✗        ✗"),
        (.review(.directToViewer),             "·     ✓        ✓        ✗       ✗        ·        ✓"),
        (.boost(.public),                      "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.boost(.unlisted),                    "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.shelf("public"),                     "✓     ✓        ✓        ✗       ✗        ✓        ✓"),
        (.shelf("followers"),                  "✓     ✓        ✗        ✗       ✗        ✗        ✗"),
        (.shelf("private"),                    "✓     ✗        ✗        ✗       ✗        ✗        ✗"),
    ]

    /// The table as cells, checked to have one cell per viewer.
    static let table: [(Resource, [Viewer: Cell])] = rows.map { resource, line in
        let marks = line.split(separator: " ")
        precondition(marks.count == Viewer.allCases.count, "\(resource): \(marks.count) cells for \(Viewer.allCases.count) viewers")
        let cells = zip(Viewer.allCases, marks).map { viewer, mark -> (Viewer, Cell) in
            switch mark {
            case "✓": (viewer, .visible)
            case "✗": (viewer, .hidden)
            default: (viewer, .notApplicable)
            }
        }
        return (resource, Dictionary(uniqueKeysWithValues: cells))
    }

    /// The viewers a direct status can mention.
    static let mentionable: [Viewer] = [.follower, .stranger, .blocked, .blocker, .admin]

    /// ada's statuses_count as `viewer` is shown it, by the README's rule (all of them for the
    /// owner; for anyone else, those of the table's statuses they may see that aren't direct,
    /// since direct statuses count for the owner alone). Boosts are cyd's and never counted.
    static func statusesCount(for viewer: Viewer) -> Int64 {
        var count: Int64 = 0
        for (resource, cells) in table {
            guard let audience = resource.audience, !isBoost(resource) else { continue }
            if viewer == .owner {
                count += audience == .directToViewer ? Int64(mentionable.count) : 1
            } else if cells[viewer] == .visible, audience.privacy != "direct" {
                count += 1
            }
        }
        return count
    }

    /// How many of one kind's rows anyone may see: what a count shown to everyone (a status's
    /// replies, a work's reviews and ratings) may include.
    static func countForEveryone(_ kind: (Audience) -> Resource) -> Int64 {
        Int64(table.filter { resource, cells in
            Audience.allCases.contains { kind($0) == resource } && cells[.anonymous] == .visible
        }.count)
    }

    static func isBoost(_ resource: Resource) -> Bool {
        if case .boost = resource { return true }
        return false
    }
}
