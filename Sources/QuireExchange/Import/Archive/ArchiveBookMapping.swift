import QuireCore

/// An archive book as an imported book, and as cells in the bookwyrm-csv columns (so failed rows
/// of an archive can be fixed and imported again as a CSV).
struct ArchiveBookMapping {
    static let header = [
        "title", "author_text", "openlibrary_key", "goodreads_key", "isbn_10", "isbn_13", "pages", "start_date", "finish_date",
        "stopped_date", "rating", "shelf", "shelf_name",
    ]
    static let publicAudience = "https://www.w3.org/ns/activitystreams#Public"

    let now: Int64

    func book(_ entry: ArchiveBook) -> ImportedBook {
        let edition = entry.edition
        let identifiers = ImportValues.identifiers([edition?.isbn13 ?? "", edition?.isbn10 ?? ""])
        let statuses = (entry.reviews ?? []).map { status($0, kind: .review) }
            + (entry.comments ?? []).map { status($0, kind: .comment) }
            + (entry.quotations ?? []).map { status($0, kind: .quotation) }
        let description = edition?.description.map(HTMLText.plain)
        return ImportedBook(
            title: edition?.title ?? entry.work?.title ?? "",
            subtitle: Self.text(edition?.subtitle),
            authors: (entry.authors ?? []).compactMap { Self.text($0.name) },
            isbn13: identifiers.isbn13, isbn10: identifiers.isbn10,
            openlibraryEditionKey: edition?.openlibraryKey.flatMap { ImportValues.openLibraryKey($0, suffix: "M") },
            openlibraryWorkKey: entry.work?.openlibraryKey.flatMap { ImportValues.openLibraryKey($0, suffix: "W") },
            goodreadsKey: Self.text(edition?.goodreadsKey),
            pages: edition?.pages.flatMap { $0 > 0 ? $0 : nil },
            publisher: edition?.publishers?.first.flatMap(Self.text),
            publishedDate: Self.text(edition?.publishedDate).flatMap(Self.publishedDate),
            physicalFormat: Self.text(edition?.physicalFormat),
            description: Self.text(description),
            shelvings: (entry.shelves ?? []).compactMap(Self.shelving),
            readthroughs: (entry.readthroughs ?? []).compactMap(Self.readthrough),
            statuses: statuses.sorted { $0.createdAt < $1.createdAt },
            privacyFromFile: true
        )
    }

    /// The row's cells in `header`'s columns.
    static func cells(_ book: ImportedBook) -> [String] {
        let readthrough = book.readthroughs.last
        let shelving = book.shelvings.first
        let rating = book.statuses.last { $0.kind == .review && $0.rating != nil }?.rating
        return [
            book.title, book.authors.joined(separator: ", "), book.openlibraryEditionKey ?? "", book.goodreadsKey ?? "",
            book.isbn10 ?? "", book.isbn13 ?? "", book.pages.map(String.init) ?? "", readthrough?.startedOn ?? "",
            readthrough?.finishedOn ?? "", readthrough?.stoppedOn ?? "",
            rating.map { "\($0 / 2).\($0 % 2 == 0 ? "00" : "50")" } ?? "",
            shelving.map { $0.defaultShelf?.rawValue ?? $0.customName ?? "" } ?? "", shelving?.customName ?? shelving?.defaultShelf?.name ?? "",
        ]
    }

    /// BookWyrm's audience as a status privacy: public goes to everyone, unlisted copies
    /// everyone, followers-only goes to the followers collection, anything else is direct.
    static func privacy(to: [String]?, cc: [String]?) -> StatusPrivacy {
        if to?.contains(publicAudience) == true { return .public }
        if cc?.contains(publicAudience) == true { return .unlisted }
        if to?.contains(where: { $0.hasSuffix("/followers") }) == true { return .followers }
        return .direct
    }

    private func status(_ status: ArchiveBook.Status, kind: StatusKind) -> ExchangeStatus {
        // Only 0 to 5 stars reach Int(): a rating of 1e19 (or of 1e308, doubled to infinity)
        // trapped there, stopping the server, and again after each restart as the job was retried.
        let rating = status.rating.flatMap { (0...5).contains($0) ? Int(($0 * 2).rounded(.toNearestOrAwayFromZero)) : nil }
            .flatMap { StatusRules.halfStars.contains($0) ? $0 : nil }
        let position = status.position.map { status.position_mode == "PCT" ? "\($0)%" : String($0) }
        return ExchangeStatus(
            id: 0, kind: kind, title: kind == .review ? Self.text(status.name) : nil,
            body: HTMLText.plain(status.content ?? ""), rating: kind == .review ? rating : nil,
            quote: kind == .quotation ? status.quote.map(HTMLText.plain) : nil,
            position: kind == .quotation ? position : nil,
            progress: kind == .comment && status.progress_mode != "PCT" ? status.progress : nil,
            contentWarning: Self.text(status.summary), privacy: Self.privacy(to: status.to, cc: status.cc),
            createdAt: status.published.flatMap(ImportDate.timestamp) ?? now
        )
    }

    /// Default shelves by their identifier (the id's last part) or BookWyrm's names for them;
    /// others are custom shelves with their privacy (unlisted, which Quire's shelves lack, as
    /// public).
    static func shelving(_ shelf: ArchiveBook.Shelf) -> ImportedShelving? {
        let identifier = shelf.id?.split(separator: "/").last.map(String.init) ?? ""
        if let defaultShelf = DefaultShelf(rawValue: identifier) ?? DefaultShelf.allCases.first(where: { $0.name == shelf.name }) {
            return ImportedShelving(defaultShelf: defaultShelf)
        }
        guard let name = text(shelf.name) else { return nil }
        let privacy = switch Self.privacy(to: shelf.to, cc: shelf.cc) {
        case .public, .unlisted: "public"
        case .followers: "followers"
        case .direct: "private"
        }
        return ImportedShelving(customName: name, privacy: privacy)
    }

    private static func readthrough(_ readthrough: ArchiveBook.Readthrough) -> ImportedReadthrough? {
        let result = ImportedReadthrough(
            startedOn: readthrough.start_date.flatMap(ImportDate.day), finishedOn: readthrough.finish_date.flatMap(ImportDate.day),
            stoppedOn: readthrough.stopped_date.flatMap(ImportDate.day)
        )
        return result == ImportedReadthrough() ? nil : result
    }

    /// BookWyrm's older archives write a publication date as a timestamp.
    private static func publishedDate(_ text: String) -> String? {
        ImportDate.publishedDate(text) ?? ImportDate.day(text)
    }

    static func text(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return value
    }
}
