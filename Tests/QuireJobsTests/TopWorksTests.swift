@testable import QuireJobs
import Testing

/// The bounded heap keeps what a full sort would keep.
@Suite struct TopWorksTests {
    @Test func keepsTheBestTenLikeAFullSortWithTiesByTheLowerID() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let offered = (1...200).map { TopWorks.Entry(work: Int64($0), shared: UInt32.random(in: 1...5, using: &generator)) }.shuffled()
            var top = TopWorks(capacity: 10)
            for entry in offered { top.offer(entry) }
            let sorted = offered.sorted { $0.shared != $1.shared ? $0.shared > $1.shared : $0.work < $1.work }
            #expect(top.drain() == Array(sorted.prefix(10)))
        }
    }

    @Test func countsEachOtherWorkOnceAReaderAndNeverTheWorkItself() {
        var counter = CoShelvingCounter(maxWorkID: 5, keep: 10)
        counter.add(readerWorks: [1, 2, 3], of: 1)
        counter.add(readerWorks: [1, 3, 9], of: 1)
        #expect(counter.finish() == [.init(work: 3, shared: 2), .init(work: 2, shared: 1), .init(work: 9, shared: 1)])
        #expect(counter.finish() == [], "a clean slate for the next work")
    }
}
