import Foundation
import QuireCore
import QuireStore

/// A work's `stats`, as `catalog.stats` last computed them (absent until it has run over the
/// work). Ratings are in stars (0.5 to 5), as a review's `rating` and a work's `average_rating`
/// are; `rating_histogram` has ten counts, for 0.5, 1, 1.5, ... 5 stars.
struct WorkStatsResponse: Encodable, Sendable {
    struct Shelved: Encodable, Sendable {
        let toRead: Int64
        let reading: Int64
        let read: Int64
        let stoppedReading: Int64
    }

    let readers: Int64
    let shelved: Shelved
    let ratingsCount: Int64
    let averageRating: Double?
    let ratingHistogram: [Int64]
    let computedAt: Date

    init(_ record: WorkStatsRecord) {
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
struct SimilarWorkResponse: FieldSelectable {
    struct Work: Encodable, Sendable {
        let id: Int64
        let title: String
        let authors: [AuthorSummary]
    }

    let work: Work
    let sharedReaders: Int64

    static let fieldNames = ["work", "shared_readers"]
}

enum StarRating {
    /// The mean of ratings stored in half stars, in stars; nil when there are none.
    static func average(halfStars sum: Int64, count: Int64) -> Double? {
        count > 0 ? Double(sum) / 2 / Double(count) : nil
    }
}
