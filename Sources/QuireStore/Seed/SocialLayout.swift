import QuireCore

/// Where the social seed puts things: every id and every drawn value is a function of an index
/// and the seed, so nothing is kept in memory but the edition-to-work map the catalog seed made.
struct SocialLayout: Sendable {
    /// Every this-many statuses, one is the celebrity's; tenfollowers posts one in `tenFollowersEvery`.
    static let celebrityEvery = 5_000
    static let tenFollowersEvery = 10_000

    let users: Int
    let userBase: Int64
    let shelfBase: Int64
    let statusBase: Int64
    let editionBase: Int64
    let editionWorks: [Int32]
    let workBase: Int64
    let lurkers: Int
    let celebrityFollowers: Int
    let startTime: Int64

    init(plan: SeedPlan, userBase: Int64, shelfBase: Int64, statusBase: Int64, editionBase: Int64, editionWorks: [Int32], workBase: Int64) {
        users = plan.users
        self.userBase = userBase
        self.shelfBase = shelfBase
        self.statusBase = statusBase
        self.editionBase = editionBase
        self.editionWorks = editionWorks
        self.workBase = workBase
        // The users and celebfan follow the celebrity; lurkers make up the rest.
        lurkers = max(0, plan.celebrityFollowers - plan.users - 1)
        celebrityFollowers = plan.celebrityFollowers
        // Statuses and boosts a millisecond apart, ending now.
        startTime = Timestamp.microsecondsNow() - Int64(plan.statuses + plan.boosts) * 1_000
    }

    func user(_ index: Int) -> Int64 { userBase + Int64(index) + 1 }
    func special(_ offset: Int) -> Int64 { userBase + Int64(users + offset) + 1 }
    var celebrity: Int64 { special(0) }
    var tenFollowers: Int64 { special(1) }
    var celebFan: Int64 { special(2) }
    var smallFan: Int64 { special(3) }
    var deepReader: Int64 { special(4) }
    func lurker(_ index: Int) -> Int64 { special(Seeder.specialAccounts.count + index) }
    var lastUserID: Int64 { lurkers > 0 ? lurker(lurkers - 1) : special(Seeder.specialAccounts.count - 1) }
    /// The last id of the celebrity's followers among the users and lurkers.
    var lastCelebrityFollower: Int64 { lurkers > 0 ? lastUserID : user(max(0, min(users, celebrityFollowers - 1) - 1)) }

    func statusID(_ index: Int) -> Int64 { statusBase + Int64(index) + 1 }
    func createdAt(_ index: Int) -> Int64 { startTime + Int64(index) * 1_000 }
    func celebrityStatus(_ n: Int) -> Int { n * Self.celebrityEvery + Self.celebrityEvery - 1 }

    struct SeededStatus {
        let author: Int64
        let kind: StatusKind
        let edition: Int64?
        let work: Int64?
        let rating: Int?
        let privacy: StatusPrivacy
        let parent: Int?
    }

    func status(_ index: Int, seed: UInt64) -> SeededStatus {
        var random = SeedRandom.forItem(seed, 10, index)
        let authorDraw = Int(random.next() % UInt64(users))
        let kindDraw = random.next() % 10
        let editionDraw = Int(random.next() % UInt64(max(1, editionWorks.count)))
        let ratingDraw = random.next() % 12
        let privacyDraw = random.next() % 20
        let isCelebrity = index % Self.celebrityEvery == Self.celebrityEvery - 1
        let author = isCelebrity ? celebrity : index % Self.tenFollowersEvery == 7 ? tenFollowers : user(authorDraw)
        if !isCelebrity, let parent = replyParent(index, seed: seed) {
            return SeededStatus(author: author, kind: .note, edition: nil, work: nil, rating: nil, privacy: .public, parent: parent)
        }
        let kind: StatusKind = editionWorks.isEmpty || kindDraw >= 7 ? .note : kindDraw < 4 ? .review : .comment
        let edition = kind == .note ? nil : editionBase + Int64(editionDraw) + 1
        let work = kind == .note ? nil : workBase + Int64(editionWorks[editionDraw]) + 1
        let rating = kind == .review && ratingDraw < 10 ? Int(ratingDraw) + 1 : nil
        let privacy: StatusPrivacy = isCelebrity || privacyDraw >= 3 ? .public : privacyDraw == 2 ? .unlisted : .followers
        return SeededStatus(author: author, kind: kind, edition: edition, work: work, rating: rating, privacy: privacy, parent: nil)
    }

    /// A tenth of the statuses reply to an earlier one's thread root (replies stay one level deep).
    func replyParent(_ index: Int, seed: UInt64) -> Int? {
        var random = SeedRandom.forItem(seed, 11, index)
        guard index > 0, index % Self.celebrityEvery != Self.celebrityEvery - 1, random.next() % 10 == 0 else { return nil }
        let candidate = Int(random.next() % UInt64(index))
        return replyParent(candidate, seed: seed) ?? candidate
    }
}
