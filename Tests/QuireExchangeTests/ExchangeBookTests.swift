import Testing
import QuireExchange

@Suite struct ExchangeBookTests {
    @Test func theLatestRatedReviewGivesTheRating() {
        let edition = ExchangeEdition(id: 1, title: "Dune")
        var book = ExchangeBook(edition: edition, work: ExchangeWork(id: 1, title: "Dune"), authors: [])
        book.statuses = [
            ExchangeStatus(id: 1, kind: .review, rating: 6, createdAt: 1),
            ExchangeStatus(id: 2, kind: .review, rating: 9, createdAt: 2),
            ExchangeStatus(id: 3, kind: .comment, createdAt: 3),
        ]
        #expect(book.latestRating == 9)
    }
}
