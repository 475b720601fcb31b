import QuireCore
import SQLKit

/// A work's statistics as `catalog.stats` computes and stores them (`work_stats`).
public struct WorkStatsRecord: Sendable, Equatable {
    public let workID: Int64
    /// Distinct readers who shelved any of its editions on a public shelf.
    public var readers: Int64 = 0
    /// Distinct readers with one of its editions on each default (public) shelf, in
    /// `DefaultShelf.allCases` order.
    public var shelved: [Int64] = Array(repeating: 0, count: DefaultShelf.allCases.count)
    /// Readers whose latest public or unlisted rating is 1...10 half stars, at index rating - 1.
    public var histogram: [Int64] = Array(repeating: 0, count: 10)
    public var computedAt: Int64 = 0

    public init(workID: Int64) { self.workID = workID }

    /// Each reader's latest rating, counted once.
    public var ratingsCount: Int64 { histogram.reduce(0, +) }
    /// The sum of those ratings in half stars.
    public var ratingSum: Int64 { histogram.enumerated().reduce(0) { $0 + Int64($1.offset + 1) * $1.element } }

    static let histogramColumns = (1...10).map { "rating_\($0)" }
    static let shelfColumns = DefaultShelf.allCases.map { $0.rawValue.replacingOccurrences(of: "-", with: "_") }
    static let columns = ["work_id", "readers"] + shelfColumns + ["ratings_count", "rating_sum"] + histogramColumns + ["computed_at"]

    init(row: any SQLRow) throws {
        workID = try row.decode(column: "work_id", as: Int64.self)
        readers = try row.decode(column: "readers", as: Int64.self)
        shelved = try Self.shelfColumns.map { try row.decode(column: $0, as: Int64.self) }
        histogram = try Self.histogramColumns.map { try row.decode(column: $0, as: Int64.self) }
        computedAt = try row.decode(column: "computed_at", as: Int64.self)
    }

    var values: [any Encodable & Sendable] {
        [workID, readers] + shelved + [ratingsCount, ratingSum] + histogram + [computedAt]
    }
}

/// An author's statistics (`author_stats`).
public struct AuthorStatsRecord: Sendable, Equatable {
    public let authorID: Int64
    public var works: Int64 = 0
    public var editions: Int64 = 0
    /// Distinct readers who shelved any edition of any of the author's works on a public shelf.
    public var readers: Int64 = 0
    /// The author's works' ratings added up (each reader's latest rating of each work).
    public var ratingsCount: Int64 = 0
    public var ratingSum: Int64 = 0
    public var computedAt: Int64 = 0

    public init(authorID: Int64) { self.authorID = authorID }

    static let columns = ["author_id", "works", "editions", "readers", "ratings_count", "rating_sum", "computed_at"]

    init(row: any SQLRow) throws {
        authorID = try row.decode(column: "author_id", as: Int64.self)
        works = try row.decode(column: "works", as: Int64.self)
        editions = try row.decode(column: "editions", as: Int64.self)
        readers = try row.decode(column: "readers", as: Int64.self)
        ratingsCount = try row.decode(column: "ratings_count", as: Int64.self)
        ratingSum = try row.decode(column: "rating_sum", as: Int64.self)
        computedAt = try row.decode(column: "computed_at", as: Int64.self)
    }

    var values: [any Encodable & Sendable] { [authorID, works, editions, readers, ratingsCount, ratingSum, computedAt] }
}

/// One entry of a work's "readers also shelved" list.
public struct SimilarWorkRecord: Sendable, Equatable {
    public let rank: Int
    public let workID: Int64
    public let title: String
    public let sharedReaders: Int64
}
