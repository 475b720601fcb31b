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
        var counter = CoShelvingCounter(keep: 10)
        counter.add(readerWorks: [1, 2, 3], of: 1)
        counter.add(readerWorks: [1, 3, 9], of: 1)
        #expect(counter.finish() == [.init(work: 3, shared: 2), .init(work: 2, shared: 1), .init(work: 9, shared: 1)])
        #expect(counter.finish() == [], "a clean slate for the next work")
    }

    /// Past its first size the table grows and still counts like a dictionary would; its size
    /// follows the works one work touched, not how high their ids are (a catalog of a trillion
    /// ids costs what a catalog of a thousand does).
    @Test func countsLikeADictionaryWhateverTheIdsAndHowManyAWorkTouches() {
        var generator = SystemRandomNumberGenerator()
        var counter = CoShelvingCounter(keep: 10, capacity: 8)
        for round in 0..<3 {
            let base: Int64 = round == 2 ? 1_000_000_000_000 : 1
            var expected: [Int64: UInt32] = [:]
            for _ in 0..<300 {
                let works = (0..<Int.random(in: 1...20, using: &generator)).map { _ in base + Int64.random(in: 0..<2_000, using: &generator) }
                for work in Set(works) where work != base { expected[work, default: 0] += 1 }
                counter.add(readerWorks: Array(Set(works))[...], of: base)
            }
            let best = expected.map { TopWorks.Entry(work: $0.key, shared: $0.value) }
                .sorted { $0.shared != $1.shared ? $0.shared > $1.shared : $0.work < $1.work }
            #expect(counter.finish() == Array(best.prefix(10)))
            #expect(counter.slotCount <= 4_096, "sized by the 2,000 works touched, not by their ids")
        }
    }
}
