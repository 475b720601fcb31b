@testable import QuireStore
import Testing

/// `HomeHeads`' rules for a broadcaster's post, which makes no entry and so names no reader:
/// the heads that merged the broadcaster in go, and a read that merged it and stores after the
/// post is refused; and for a new status entered in readers' homes, which each reader's head
/// takes in its place.
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

    private static func ids(_ heads: HomeHeads, _ reader: Int64) -> [Int64]? { heads.heads.value(reader)?.entries.map(\.id) }

    private static func entry(_ id: Int64, author: Int64 = 3) -> HomeHead.Entry { .init(id: id, boostOfID: nil, authorID: author) }

    @Test func aNewStatusTakesItsPlaceInTheHeadsOfItsReadersOnly() {
        // setup: ada's head is a full page of 2 (9 and 7), bob's the whole of his home (7),
        // cyd's a full page holding a boost with id 12
        let heads = Self.heads()
        heads.store(1, HomeHead(limit: 2, entries: [Self.entry(9), Self.entry(7)]), broadcasters: [], ticket: heads.ticket)
        heads.store(2, HomeHead(limit: 20, entries: [Self.entry(7)]), broadcasters: [], ticket: heads.ticket)
        heads.store(3, HomeHead(limit: 2, entries: [.init(id: 12, boostOfID: 5, authorID: 4), Self.entry(7)]),
                    broadcasters: [], ticket: heads.ticket)

        // call: status 10 entered for ada and bob, then again; 8 for ada (older than the last row
        // of her full page, so not on it); 12 for cyd (an id SQLite gave again after the boost's
        // row went)
        heads.entered([1: [Self.entry(10)], 2: [Self.entry(10)]])
        heads.entered([1: [Self.entry(10)]])
        let afterTen = Self.ids(heads, 1)
        heads.entered([1: [Self.entry(8)]])
        heads.entered([3: [Self.entry(12, author: 6)]])

        // check: a full page keeps its newest 2, a whole home takes it, a reader not named is left
        #expect(afterTen == [10, 9])
        #expect(Self.ids(heads, 1) == [10, 9])
        #expect(Self.ids(heads, 2) == [10, 7])
        #expect(heads.heads.value(3)?.entries.first.map { [$0.id, $0.authorID, $0.boostOfID ?? 0] } == [12, 6, 0])
        #expect(heads.heads.value(4) == nil)
    }

    @Test func aReadBegunBeforeAnEntryWasMadeIsNotStored() {
        // setup: a read of ada's page begins (its ticket), then a status is entered in her home
        let heads = Self.heads()
        let ticket = heads.ticket
        heads.entered([1: [Self.entry(10)]])

        // call: the read's page, which may not show it, is stored; and bob's, begun at the same time
        heads.store(1, Self.head, broadcasters: [], ticket: ticket)
        heads.store(2, Self.head, broadcasters: [], ticket: ticket)

        // check
        #expect(heads.heads.value(1) == nil)
        #expect(heads.heads.value(2) != nil)
    }
}
