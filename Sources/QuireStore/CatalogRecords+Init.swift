/// Public initializers for records that are otherwise only read from rows, for code that builds
/// them in memory: Benchmarks/Micro encodes pages of them without a database. (Kept out of
/// Queries/, beside which it belongs, while that folder is being reworked on another branch.)
extension EditionRecord {
    public init(
        id: Int64, workID: Int64, title: String, subtitle: String? = nil, description: String? = nil, languages: [String] = [],
        pages: Int? = nil, publishers: [String] = [], publishedDate: String? = nil, physicalFormat: String? = nil,
        isbn10: String? = nil, isbn13: String? = nil, openlibraryKey: String? = nil, goodreadsKey: String? = nil,
        createdBy: Int64? = nil, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.workID = workID
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
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension AuthorRecord {
    public init(id: Int64, name: String, openlibraryKey: String? = nil, goodreadsKey: String? = nil) {
        self.id = id
        self.name = name
        self.openlibraryKey = openlibraryKey
        self.goodreadsKey = goodreadsKey
    }
}

extension ShelvedBook {
    // Labels in another order than the synthesized (internal) memberwise initializer's, which
    // can't be redeclared as public.
    public init(edition: EditionRecord, shelvingID: Int64, shelvedAt: Int64) {
        self.shelvingID = shelvingID
        self.shelvedAt = shelvedAt
        self.edition = edition
    }
}
