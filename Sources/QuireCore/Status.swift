/// What a status is. Reviews, comments and quotations are about a book, as in BookWyrm; a note
/// may be; `generated` is posted by shelving ("finished reading"); `boost` shares another status.
public enum StatusKind: String, Sendable, CaseIterable, Codable {
    case review, comment, quotation, note, generated, boost

    /// The kinds a client may post through `POST /v1/statuses`.
    public static let postable: [StatusKind] = [.review, .comment, .quotation, .note]
}

/// Who may see a status: anyone (`public`, and `unlisted`, which only stays off public lists),
/// the author's followers, or only the users it mentions (`direct`).
public enum StatusPrivacy: String, Sendable, CaseIterable, Codable {
    case `public`, unlisted, followers, direct

    /// Only statuses anyone may see can be boosted, so a boost never widens an audience.
    public var isBoostable: Bool { self == .public || self == .unlisted }

    /// A status's default privacy from an account's default privacy for shelves and profile.
    public init(accountDefault: String) {
        self = accountDefault == Privacy.public.rawValue ? .public : .followers
    }
}

/// Limits on what a status may carry, checked before anything is stored.
public enum StatusRules {
    public static let bodyLength = 0...10_000
    public static let titleLength = 1...300
    public static let quoteLength = 1...5_000
    public static let positionLength = 1...100
    public static let contentWarningLength = 1...500
    /// A comment's reading progress, in pages.
    public static let progress = 0...1_000_000
    public static let maxMentions = 50
    /// Ratings run from 0.5 to 5 in halves, stored as half stars 1...10 so sums stay integers.
    public static let halfStars = 1...10

    /// The half stars of a rating such as 3.5, or nil when it isn't 0.5 to 5 in halves.
    public static func halfStars(_ rating: Double) -> Int? {
        ClientNumber.exact(rating * 2, in: halfStars)
    }

    /// The usernames a text mentions as `@username`, lower-cased, in order, without repeats.
    /// A mention ends at the first character a username can't contain, and an `@` inside a word
    /// (an email address) is not a mention.
    public static func mentions(in text: String) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "@" else { continue }
            if index > 0, isUsernameScalar(scalars[index - 1]) { continue }
            var end = index + 1
            while end < scalars.count, isUsernameScalar(scalars[end]) { end += 1 }
            let name = String(String.UnicodeScalarView(scalars[(index + 1)..<end])).lowercased()
            if AccountRules.usernameLength.contains(name.count), !found.contains(name) { found.append(name) }
            index = end - 1
        }
        return found
    }

    static func isUsernameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}

/// The generated status shelving posts, in BookWyrm's words.
extension DefaultShelf {
    public var generatedStatusText: String {
        switch self {
        case .toRead: "wants to read"
        case .reading: "started reading"
        case .read: "finished reading"
        case .stoppedReading: "stopped reading"
        }
    }
}

/// Home timelines (where the design lives: HomeTimelineQueries).
public enum TimelineRules {
    /// Authors with more followers than this are "broadcasters": their statuses are merged into
    /// followers' home timelines when read instead of being copied into each one when posted.
    public static let defaultFanoutLimit = 2_000
    /// How many of a newly followed account's latest statuses are copied into the follower's home.
    public static let backfillOnFollow = 40
}
