@testable import QuireStore
import Testing

/// A follow of someone who is no broadcaster leaves the follower's cached list of the
/// broadcasters they follow as it was (`Caches.committed`), unless someone became a broadcaster
/// between the follow's key and its commit, which this process can tell and other processes
/// can't.
struct BroadcasterListTests {
    private static func caches() -> Caches { Caches(limits: CacheLimits(entries: 100, bytes: 1 << 20), trusted: true) }

    private static func storeList(_ caches: Caches, reader: Int64) {
        caches.broadcastersFollowed.store(reader, [900], bytes: 64, generation: caches.broadcastersFollowed.generation)
    }

    @Test func aFollowOfNoBroadcasterKeepsTheListAndAnyOtherDropsIt() {
        // setup: readers 1 and 2 have lists cached
        let caches = Self.caches()
        Self.storeList(caches, reader: 1)
        Self.storeList(caches, reader: 2)

        // call: 1 follows someone read to be no broadcaster, 2 someone who is one
        let changes = TransactionChanges(caches: caches)
        changes.insert(.following(1))
        changes.followedNoBroadcaster(1)
        changes.insert(.following(2))
        caches.committed(changes)

        // check
        #expect(caches.broadcastersFollowed.value(1) == [900])
        #expect(caches.broadcastersFollowed.value(2) == nil)
    }

    @Test func someoneBecomingABroadcasterDuringTheFollowDropsTheList() {
        // setup: reader 1's follow is recorded, then another process's write makes someone a
        // broadcaster (every list goes), and reader 1's list is read again before the commit
        let caches = Self.caches()
        let changes = TransactionChanges(caches: caches)
        changes.insert(.following(1))
        caches.heard("oanother b")
        Self.storeList(caches, reader: 1)

        // call: the follow's statement read its followee to be no broadcaster, and it commits
        changes.followedNoBroadcaster(1)
        caches.committed(changes)

        // check: the list read meanwhile may lack the followee, so it goes
        #expect(caches.broadcastersFollowed.value(1) == nil)
    }

    @Test func anotherProcessesFollowDropsTheList() {
        let caches = Self.caches()
        Self.storeList(caches, reader: 1)
        caches.heard("oanother f1")
        #expect(caches.broadcastersFollowed.value(1) == nil)
    }
}
