import Benchmark
import QuireAPI
import QuireCore
import QuireStore

/// Hot pure code on every list request: encoding a page as JSON (with and without `?fields=`),
/// and the keyset cursor. Each benchmark reports wall-clock time and allocations per iteration.
/// The page is a shelf's books for now; a timeline page joins it once statuses exist.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 20_000
    )

    let page20 = ShelfPageSample(items: 20)
    let page100 = ShelfPageSample(items: 100)

    Benchmark("JSON shelf books page, 20 items") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try page20.encode())
        }
    }

    Benchmark("JSON shelf books page, 100 items") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try page100.encode())
        }
    }

    Benchmark("Field selection: page of 20, ?fields=id,title,authors") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try page20.encode(fields: "id,title,authors"))
        }
    }

    Benchmark("Field selection: parse ?fields= (3 names)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MicroBenchmarkEntryPoints.shelfBookFieldSelection("id,title,authors"))
        }
    }

    // A timeline-style cursor: (created_at microseconds, id).
    let cursor = Cursor([.int(1_763_700_000_123_456), .int(98_765_432)])
    let encoded = cursor.encoded()

    Benchmark("Cursor encode (2 ints)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(cursor.encoded())
        }
    }

    Benchmark("Cursor decode (2 ints)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Cursor(decoding: encoded))
        }
    }
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
