import QuireCore

/// One book as it leaves (or enters) Quire: an edition with its work and authors, and everything
/// one reader did with it. Plain values, so the formats that read and write it (BookWyrmArchive,
/// BookWyrmCSV, GoodreadsCSV, ...) are tested without a database. The export job fills these a
/// batch at a time; nothing here holds more than one batch.
public struct ExchangeBook: Sendable, Equatable {
    public var edition: ExchangeEdition
    public var work: ExchangeWork
    /// The work's authors, in their order on the work.
    public var authors: [ExchangeAuthor]
    /// The reader's shelvings of this edition (a default shelf and any custom ones).
    public var shelvings: [ExchangeShelving]
    public var readthroughs: [ExchangeReadthrough]
    /// The reader's reviews, comments and quotations of this edition, oldest first.
    public var statuses: [ExchangeStatus]

    public init(
        edition: ExchangeEdition, work: ExchangeWork, authors: [ExchangeAuthor], shelvings: [ExchangeShelving] = [],
        readthroughs: [ExchangeReadthrough] = [], statuses: [ExchangeStatus] = []
    ) {
        self.edition = edition
        self.work = work
        self.authors = authors
        self.shelvings = shelvings
        self.readthroughs = readthroughs
        self.statuses = statuses
    }

    /// The reader's latest rating of this edition in half stars (1...10), from their newest
    /// review with a rating.
    public var latestRating: Int? { statuses.last(where: { $0.kind == .review && $0.rating != nil })?.rating }
    /// The default shelf the edition is on, if any (at most one at a time).
    public var defaultShelf: DefaultShelf? { shelvings.lazy.compactMap(\.defaultShelf).first }
}

public struct ExchangeEdition: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var subtitle: String?
    public var description: String?
    public var languages: [String]
    public var pages: Int?
    public var publishers: [String]
    /// As entered: a year, a year and month, or a full date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    public var publishedDate: String?
    public var physicalFormat: String?
    public var isbn10: String?
    public var isbn13: String?
    public var openlibraryKey: String?
    public var goodreadsKey: String?

    public init(
        id: Int64, title: String, subtitle: String? = nil, description: String? = nil, languages: [String] = [],
        pages: Int? = nil, publishers: [String] = [], publishedDate: String? = nil, physicalFormat: String? = nil,
        isbn10: String? = nil, isbn13: String? = nil, openlibraryKey: String? = nil, goodreadsKey: String? = nil
    ) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.description = description
        self.languages = languages
        self.pages = pages
        self.publishers = publishers
        self.publishedDate = publishedDate
        self.physicalFormat = physicalFormat
        self.isbn10 = isbn10
        self.isbn13 = isbn13
        self.openlibraryKey = openlibraryKey
        self.goodreadsKey = goodreadsKey
    }
}

public struct ExchangeWork: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var openlibraryKey: String?

    public init(id: Int64, title: String, openlibraryKey: String? = nil) {
        self.id = id
        self.title = title
        self.openlibraryKey = openlibraryKey
    }
}

public struct ExchangeAuthor: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var openlibraryKey: String?
    public var goodreadsKey: String?

    public init(id: Int64, name: String, openlibraryKey: String? = nil, goodreadsKey: String? = nil) {
        self.id = id
        self.name = name
        self.openlibraryKey = openlibraryKey
        self.goodreadsKey = goodreadsKey
    }
}

/// An edition on one of the reader's shelves.
public struct ExchangeShelving: Sendable, Equatable {
    /// The shelf's identifier in URLs: a default shelf's raw value (`to-read`) or a custom slug.
    public var identifier: String
    public var name: String
    /// "public", "followers" or "private" (QuireCore's `Privacy`).
    public var privacy: String
    /// Unix microseconds.
    public var shelvedAt: Int64

    public init(identifier: String, name: String, privacy: String, shelvedAt: Int64) {
        self.identifier = identifier
        self.name = name
        self.privacy = privacy
        self.shelvedAt = shelvedAt
    }

    public var defaultShelf: DefaultShelf? { DefaultShelf(rawValue: identifier) }
}

public struct ExchangeReadthrough: Sendable, Equatable {
    public var id: Int64
    /// `YYYY-MM-DD`.
    public var startedOn: String?
    public var finishedOn: String?
    public var stoppedOn: String?
    public var progress: Int?
    /// "pages" or "percent".
    public var progressMode: String
    /// Unix microseconds.
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64, startedOn: String? = nil, finishedOn: String? = nil, stoppedOn: String? = nil, progress: Int? = nil,
        progressMode: String = "pages", createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.startedOn = startedOn
        self.finishedOn = finishedOn
        self.stoppedOn = stoppedOn
        self.progress = progress
        self.progressMode = progressMode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Still being read: neither finished nor stopped.
    public var isActive: Bool { finishedOn == nil && stoppedOn == nil }
}

/// A review, comment or quotation of the edition by the reader.
public struct ExchangeStatus: Sendable, Equatable {
    public var id: Int64
    /// `.review`, `.comment` or `.quotation`.
    public var kind: StatusKind
    /// A review's name.
    public var title: String?
    public var body: String
    /// Half stars, 1...10 (a review's rating).
    public var rating: Int?
    /// A quotation's quoted text and its position (a page number as text, or a percentage).
    public var quote: String?
    public var position: String?
    /// A comment's reading progress, in pages.
    public var progress: Int?
    public var contentWarning: String?
    public var privacy: StatusPrivacy
    /// Unix microseconds.
    public var createdAt: Int64
    public var editedAt: Int64?

    public init(
        id: Int64, kind: StatusKind, title: String? = nil, body: String = "", rating: Int? = nil, quote: String? = nil,
        position: String? = nil, progress: Int? = nil, contentWarning: String? = nil, privacy: StatusPrivacy = .public,
        createdAt: Int64, editedAt: Int64? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.body = body
        self.rating = rating
        self.quote = quote
        self.position = position
        self.progress = progress
        self.contentWarning = contentWarning
        self.privacy = privacy
        self.createdAt = createdAt
        self.editedAt = editedAt
    }
}

/// The account itself, as the archive formats carry it.
public struct ExchangeProfile: Sendable, Equatable {
    public var username: String
    public var displayName: String?
    public var summary: String?
    public var manuallyApprovesFollowers: Bool
    /// The account's default privacy ("public", "followers", "private").
    public var defaultPrivacy: String

    public init(username: String, displayName: String?, summary: String?, manuallyApprovesFollowers: Bool, defaultPrivacy: String) {
        self.username = username
        self.displayName = displayName
        self.summary = summary
        self.manuallyApprovesFollowers = manuallyApprovesFollowers
        self.defaultPrivacy = defaultPrivacy
    }
}
