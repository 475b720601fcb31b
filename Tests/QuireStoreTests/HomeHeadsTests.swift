@testable import QuireStore
import Testing

/// `HomeHeads`' rules for a broadcaster's post, which makes no entry and so names no reader:
/// the heads that merged the broadcaster in go, and a read that merged it and stores after the
/// post is refused.
struct HomeHeadsTests {
    private static func heads() -> HomeHeads {
        HomeHeads(limits: CacheLimits(entries: 100, bytes: 1 << 20), trusted: true, freshness: nil)
    }

    private static let head = HomeHead(limit: 20, entries: [.init(id: 7, boostOfID: nil, authorID: 3)])

    @Test func aBroadcastersPostDropsTheHeadsThatMergedItInAndNoOther() {
        // setup: ada's head merged broadcaster 100 in, bob's broadcaster 200
        let heads = Self.heads()
        heads.store(1, Self.head, broadcasters: [100], ticket: heads.ticket)
        heads.store(2, Self.head, broadcasters: [200], ticket: heads.ticket)

        // call
        heads.posted([100])

        // check
        #expect(heads.heads.value(1) == nil)
        #expect(heads.heads.value(2) != nil)
    }

    @Test func aReadThatMergedABroadcasterBeforeItPostedIsNotStored() {
        // setup: a read of ada's page begins (its ticket), then broadcaster 100 posts
        let heads = Self.heads()
        let ticket = heads.ticket
        heads.posted([100])

        // call: the read's page, which may not show the post, is stored; and one merging only 200
        heads.store(1, Self.head, broadcasters: [100], ticket: ticket)
        heads.store(2, Self.head, broadcasters: [200], ticket: ticket)

        // check: the first is refused, the second kept, and a read begun after the post is kept
        #expect(heads.heads.value(1) == nil)
        #expect(heads.heads.value(2) != nil)
        heads.store(1, Self.head, broadcasters: [100], ticket: heads.ticket)
        #expect(heads.heads.value(1) != nil)
    }

    @Test func pastTheAuthorsRememberedEveryEarlierReadIsRefusedButTheHeadsStay() {
        // setup: ada's head stored, a read of bob's begun
        let heads = Self.heads()
        heads.store(1, Self.head, broadcasters: [], ticket: heads.ticket)
        let ticket = heads.ticket

        // call: more authors post than are remembered one by one
        for author in 1...4_100 { heads.posted([Int64(10_000 + author)]) }
        heads.store(2, Self.head, broadcasters: [], ticket: ticket)

        // check
        #expect(heads.heads.value(1) != nil)
        #expect(heads.heads.value(2) == nil)
    }
}
