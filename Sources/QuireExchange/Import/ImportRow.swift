import QuireCore

/// One row of an import file as a format reader hands it over: the book it names and what the
/// reader did with it, or why the row can't be read. Plain values, so readers are tested without a
/// database; the import job matches and writes them a batch at a time.
public struct ImportRow: Sendable, Equatable {
    /// 1-based position among the file's data rows (a CSV's header is not a row; an archive's
    /// books are numbered in the order they appear). The job resumes after the last committed one.
    public var number: Int
    /// The row's cells as they are in the file, in the header's columns, for `failed.csv`.
    public var cells: [String]
    /// The book, or nil when the row can't be read; then `problem` says why.
    public var book: ImportedBook?
    /// Why the row can't be imported, for a person: "no title and no ISBN".
    public var problem: String?

    public init(number: Int, cells: [String], book: ImportedBook?, problem: String? = nil) {
        self.number = number
        self.cells = cells
        self.book = book
        self.problem = problem
    }
}

/// What one row says about one book. Identifiers are checked and normalised by the reader; text
/// limits (title length, review length) are the importer's, which fails the row with a reason.
public struct ImportedBook: Sendable, Equatable {
    /// Without a series suffix cleaning or subtitle splitting: as the file has it. Empty when the
    /// format carries no titles (OpenLibrary's reading log).
    public var title: String
    public var subtitle: String?
    /// In the file's order, first author first.
    public var authors: [String]
    /// A valid ISBN-13 (an ISBN-10 converted), digits only.
    public var isbn13: String?
    /// A valid ISBN-10 as written (digits and X), when the file has one.
    public var isbn10: String?
    /// OpenLibrary keys without their path: `OL123M` (edition), `OL45W` (work).
    public var openlibraryEditionKey: String?
    public var openlibraryWorkKey: String?
    public var goodreadsKey: String?
    public var pages: Int?
    public var publisher: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var publishedDate: String?
    public var physicalFormat: String?
    public var description: String?
    /// The default shelf and custom shelves the book is on.
    public var shelvings: [ImportedShelving]
    public var readthroughs: [ImportedReadthrough]
    /// Reviews (a rating alone is a review with an empty body), comments and quotations, oldest
    /// first; `id` is 0, `privacy` is `.public` unless the file says otherwise (the importer applies
    /// the import's privacy to statuses the file gives none for: see `privacyFromFile`).
    public var statuses: [ExchangeStatus]
    /// Whether the statuses' privacy came from the file (BookWyrm's archive) rather than a default.
    public var privacyFromFile: Bool

    public init(
        title: String, subtitle: String? = nil, authors: [String] = [], isbn13: String? = nil, isbn10: String? = nil,
        openlibraryEditionKey: String? = nil, openlibraryWorkKey: String? = nil, goodreadsKey: String? = nil,
        pages: Int? = nil, publisher: String? = nil, publishedDate: String? = nil, physicalFormat: String? = nil,
        description: String? = nil, shelvings: [ImportedShelving] = [], readthroughs: [ImportedReadthrough] = [],
        statuses: [ExchangeStatus] = [], privacyFromFile: Bool = false
    ) {
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.isbn13 = isbn13
        self.isbn10 = isbn10
        self.openlibraryEditionKey = openlibraryEditionKey
        self.openlibraryWorkKey = openlibraryWorkKey
        self.goodreadsKey = goodreadsKey
        self.pages = pages
        self.publisher = publisher
        self.publishedDate = publishedDate
        self.physicalFormat = physicalFormat
        self.description = description
        self.shelvings = shelvings
        self.readthroughs = readthroughs
        self.statuses = statuses
        self.privacyFromFile = privacyFromFile
    }
}

/// A shelf the book is on: a default shelf, or a custom shelf by its name in the file.
public struct ImportedShelving: Sendable, Equatable {
    public var defaultShelf: DefaultShelf?
    /// A custom shelf's name as the file writes it (nil for a default shelf).
    public var customName: String?
    /// "public", "followers" or "private" when the file says (BookWyrm's archive); else nil, and
    /// a new custom shelf gets the account's default privacy.
    public var privacy: String?
    /// Unix microseconds, when the file has a date added.
    public var shelvedAt: Int64?

    public init(defaultShelf: DefaultShelf? = nil, customName: String? = nil, privacy: String? = nil, shelvedAt: Int64? = nil) {
        self.defaultShelf = defaultShelf
        self.customName = customName
        self.privacy = privacy
        self.shelvedAt = shelvedAt
    }
}

public struct ImportedReadthrough: Sendable, Equatable {
    /// `YYYY-MM-DD`.
    public var startedOn: String?
    public var finishedOn: String?
    public var stoppedOn: String?

    public init(startedOn: String? = nil, finishedOn: String? = nil, stoppedOn: String? = nil) {
        self.startedOn = startedOn
        self.finishedOn = finishedOn
        self.stoppedOn = stoppedOn
    }
}

/// The account-wide part of BookWyrm's archive, known once every row has been read.
public struct ImportedAccount: Sendable, Equatable {
    public var displayName: String?
    public var summary: String?
    public var manuallyApprovesFollowers: Bool?
    /// "public", "followers" or "private".
    public var defaultPrivacy: String?
    /// Custom shelves with their privacy, including empty ones.
    public var shelves: [ImportedShelving]
    /// Actor URLs (`https://host/user/name`), to resolve against this server's accounts.
    public var follows: [String]
    public var blocks: [String]

    public init(
        displayName: String? = nil, summary: String? = nil, manuallyApprovesFollowers: Bool? = nil,
        defaultPrivacy: String? = nil, shelves: [ImportedShelving] = [], follows: [String] = [], blocks: [String] = []
    ) {
        self.displayName = displayName
        self.summary = summary
        self.manuallyApprovesFollowers = manuallyApprovesFollowers
        self.defaultPrivacy = defaultPrivacy
        self.shelves = shelves
        self.follows = follows
        self.blocks = blocks
    }
}
