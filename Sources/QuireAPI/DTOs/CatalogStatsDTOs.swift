import Foundation
import QuireCore
import QuireStore

/// A work's `stats`, as `catalog.stats` last computed them (absent until it has run over the
/// work). Ratings are in stars (0.5 to 5), as a review's `rating` and a work's `average_rating`
/// are; `rating_histogram` has ten counts, for 0.5, 1, 1.5, ... 5 stars.
public struct WorkStatsResponse: Encodable, Sendable {
    public struct Shelved: Encodable, Sendable {
        public let toRead: Int64
        public let reading: Int64
        public let read: Int64
        public let stoppedReading: Int64
    }

    public let readers: Int64
    public let shelved: Shelved
    public let ratingsCount: Int64
    public let averageRating: Double?
    public let ratingHistogram: [Int64]
    public let computedAt: Date

    public init(_ record: WorkStatsRecord) {
        readers = record.readers
        let byShelf = Dictionary(uniqueKeysWithValues: zip(DefaultShelf.allCases, record.shelved))
        shelved = Shelved(
            toRead: byShelf[.toRead] ?? 0, reading: byShelf[.reading] ?? 0, read: byShelf[.read] ?? 0,
            stoppedReading: byShelf[.stoppedReading] ?? 0)
        ratingsCount = record.ratingsCount
        averageRating = StarRating.average(halfStars: record.ratingSum, count: record.ratingsCount)
        ratingHistogram = record.histogram
        computedAt = Timestamp.date(microseconds: record.computedAt)
    }
}

/// An author's `stats`: their works and editions, the distinct readers of any of them, and their
/// works' ratings added up (each reader's latest rating of each work), averaged in stars.
struct AuthorStatsResponse: Encodable, Sendable {
    let works: Int64
    let editions: Int64
    let readers: Int64
    let ratingsCount: Int64
    let averageRating: Double?
    let computedAt: Date

    init(_ record: AuthorStatsRecord) {
        works = record.works
        editions = record.editions
        readers = record.readers
        ratingsCount = record.ratingsCount
        averageRating = StarRating.average(halfStars: record.ratingSum, count: record.ratingsCount)
        computedAt = Timestamp.date(microseconds: record.computedAt)
    }
}

/// One entry of `GET /v1/works/{id}/similar`.
public struct SimilarWorkResponse: FieldSelectable {
    public struct Work: Encodable, Sendable {
        public let id: Int64
        public let title: String
        public let authors: [AuthorSummary]
    }

    public let work: Work
    public let sharedReaders: Int64

    static let fieldNames = ["work", "shared_readers"]
}

enum StarRating {
    /// The mean of ratings stored in half stars, in stars; nil when there are none.
    static func average(halfStars sum: Int64, count: Int64) -> Double? {
        count > 0 ? Double(sum) / 2 / Double(count) : nil
    }
}
