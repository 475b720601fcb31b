import Benchmark
import QuireAPI
import QuireCore
import QuireStore

/// Hot pure code on every list request: encoding a page as JSON (with and without `?fields=`),
/// and the keyset cursor. Each benchmark reports wall-clock time and allocations per iteration.
/// The pages are a home timeline's statuses and a shelf's books.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 20_000
    )

    let timeline20 = TimelinePageSample(items: 20)
    each("JSON home timeline page, 20 statuses") { try timeline20.encode() }
    each("Field selection: timeline page of 20, ?fields=id,type,body,likes_count") { try timeline20.encode(fields: "id,type,body,likes_count") }

    let page20 = ShelfPageSample(items: 20)
    let page100 = ShelfPageSample(items: 100)
    each("JSON shelf books page, 20 items") { try page20.encode() }
    each("JSON shelf books page, 100 items") { try page100.encode() }
    each("Field selection: page of 20, ?fields=id,title,authors") { try page20.encode(fields: "id,title,authors") }
    each("Field selection: parse ?fields= (3 names)") { try MicroBenchmarkEntryPoints.shelfBookFieldSelection("id,title,authors") }

    // A timeline-style cursor: (created_at microseconds, id).
    let cursor = Cursor([.int(1_763_700_000_123_456), .int(98_765_432)])
    let encoded = cursor.encoded()
    each("Cursor encode (2 ints)") { cursor.encoded() }
    each("Cursor decode (2 ints)") { try Cursor(decoding: encoded) }
}

/// `items + 1` fetched rows (the extra one says a next page exists) of plausible editions, with
/// one or two authors per work.
struct ShelfPageSample: Sendable {
    let rows: [ShelvedBook]
    let authors: [Int64: [AuthorRecord]]
    let limit: Int

    init(items: Int) {
        let now: Int64 = 1_763_700_000_000_000
        rows = (0...items).map { index in
            let id = Int64(index + 1)
            let edition = EditionRecord(
                id: id, workID: 1000 + id, title: "The Left Hand of Darkness, volume \(index)", subtitle: "A novel of the Hainish cycle",
                description: String(repeating: "A lone envoy is sent to Winter, a planet whose people can choose their gender. ", count: 3),
                languages: ["en"], pages: 304, publishers: ["Ace Books"], publishedDate: "1969-03-01", physicalFormat: "paperback",
                isbn13: "97804410\(String(10000 + index).suffix(5))", createdAt: now - id * 1_000_000, updatedAt: now)
            return ShelvedBook(edition: edition, shelvingID: 5_000_000 - id, shelvedAt: now - id * 60_000_000)
        }
        var authors: [Int64: [AuthorRecord]] = [:]
        for row in rows {
            authors[row.edition.workID] = row.edition.id % 3 == 0
                ? [AuthorRecord(id: 7, name: "Ursula K. Le Guin"), AuthorRecord(id: 8, name: "Charlie Jane Anders")]
                : [AuthorRecord(id: 7, name: "Ursula K. Le Guin")]
        }
        self.authors = authors
        limit = items
    }

    func encode(fields: String? = nil) throws -> some Sendable {
        try MicroBenchmarkEntryPoints.shelfBooksPage(rows, authors: authors, limit: limit, fields: fields).body
    }
}

/// A benchmark that runs `body` once per iteration, keeping its result from being optimised away.
func each<T>(_ name: String, _ body: @escaping @Sendable () throws -> T) {
    Benchmark(name) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try body())
        }
    }
}

/// A home timeline page as StatusPageLoader would load it: `items + 1` rows (the extra one says a
/// next page exists) of reviews, comments and notes by ten users, every fifth a boost, with
/// books, authors, counts and the viewer's likes.
struct TimelinePageSample: Sendable {
    let page: StatusPage
    let limit: Int

    init(items: Int) {
        let now: Int64 = 1_763_700_000_000_000
        var statuses: [StatusRecord] = []
        var originals: [Int64: StatusRecord] = [:]
        var counts: [Int64: StatusCounts] = [:]
        for index in 0...items {
            let id = Int64(1_000_000 - index)
            let (author, edition) = (Int64(index % 10 + 1), Int64(index % 7 + 1))
            let original: StatusRecord
            switch index % 3 {
            case 0:
                original = StatusRecord(id: id, userID: author, kind: "review", editionID: edition, workID: edition + 100, title: "A quiet masterpiece",
                                        body: "Slow to start, then impossible to put down. The last \"chapter\" made me cry.", rating: 9, createdAt: now - Int64(index) * 60_000_000)
            case 1:
                original = StatusRecord(id: id, userID: author, kind: "comment", editionID: edition, workID: edition + 100,
                                        body: "Halfway through and the narrator just lied to me again.", createdAt: now - Int64(index) * 60_000_000)
            default:
                original = StatusRecord(id: id, userID: author, kind: "note", body: "Anyone else reading along this month? 📚", createdAt: now - Int64(index) * 60_000_000)
            }
            var count = StatusCounts()
            (count.likes, count.boosts, count.replies) = (Int64(index * 3), Int64(index), Int64(index % 4))
            if index % 5 == 4 {
                // A boost row shows the status it boosts.
                let boosted = StatusRecord(id: id - 500_000, userID: author, kind: original.kind, editionID: original.editionID, workID: original.workID,
                                           title: original.title, body: original.body, rating: original.rating, createdAt: original.createdAt - 3_600_000_000)
                originals[boosted.id] = boosted
                counts[boosted.id] = count
                statuses.append(StatusRecord(id: id, userID: Int64(index % 10 + 1), kind: "boost", body: "", boostOfID: boosted.id, createdAt: original.createdAt))
            } else {
                counts[id] = count
                statuses.append(original)
            }
        }
        var users: [Int64: UserRecord] = [:]
        for id in Int64(1)...10 { users[id] = UserRecord(id: id, username: "reader\(id)", displayName: "Reader \(id)", createdAt: now) }
        var books: [Int64: EditionWithAuthors] = [:]
        for id in Int64(1)...7 {
            books[id] = EditionWithAuthors(edition: EditionRecord(id: id, workID: id + 100, title: "The Left Hand of Darkness, volume \(id)",
                                                                  createdAt: now, updatedAt: now),
                                           authors: [AuthorRecord(id: 7, name: "Ursula K. Le Guin")])
        }
        page = StatusPage(statuses: statuses, originals: originals, users: users, books: books, counts: counts,
                          liked: Set(statuses.prefix(5).map(\.id)), boosted: [])
        limit = items
    }

    func encode(fields: String? = nil) throws -> some Sendable {
        try MicroBenchmarkEntryPoints.statusPage(page, limit: limit, fields: fields).body
    }
}
