import QuireCore
import QuireExchange

/// The limits the API puts on what a person types, applied to what a file says, so an import
/// can't store what a client couldn't: a row past them fails with a reason naming what is wrong.
enum ImportRowRules {
    /// The book made fit to store, or the reason it can't be: text that the API would refuse is a
    /// failure; an out-of-range page count, publisher, Goodreads key or comment's progress is
    /// dropped, since nobody asked for it, and a description cut to the API's length.
    static func check(_ book: ImportedBook) -> Result<ImportedBook, RowProblem> {
        var book = book
        book.title = book.title.trimmingCharacters(in: .whitespacesAndNewlines)
        book.authors = book.authors.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if book.title.isEmpty, book.isbn13 == nil, book.openlibraryEditionKey == nil {
            return .failure(RowProblem("no title and no ISBN"))
        }
        if TextRules.length(book.title) > EditionRules.titleLength { return .failure(RowProblem("the title is longer than \(EditionRules.titleLength) characters")) }
        if let problem = TextRules.singleLineProblem(book.title) { return .failure(RowProblem("the title \(problem)")) }
        if book.authors.count > EditionRules.maxAuthors { return .failure(RowProblem("more than \(EditionRules.maxAuthors) authors")) }
        for author in book.authors {
            if TextRules.length(author) > EditionRules.nameLength { return .failure(RowProblem("an author's name is longer than \(EditionRules.nameLength) characters")) }
            if let problem = TextRules.singleLineProblem(author) { return .failure(RowProblem("an author's name \(problem)")) }
        }
        if let count = book.pages, !EditionRules.pages.contains(count) { book.pages = nil }
        book.physicalFormat = book.physicalFormat.flatMap(PhysicalFormat.named)
        // Cut to the API's limit, as an archive's bio is: a file's description of 1 MiB (a
        // field's limit) was stored whole, and served with every read of the book.
        if let description = book.description {
            book.description = TextRules.freeTextProblem(description) == nil ? TextRules.prefix(description, EditionRules.descriptionLength) : nil
        }
        if let subtitle = book.subtitle, TextRules.length(subtitle) > EditionRules.titleLength || TextRules.singleLineProblem(subtitle) != nil { book.subtitle = nil }
        if let publisher = book.publisher, TextRules.length(publisher) > EditionRules.nameLength || TextRules.singleLineProblem(publisher) != nil {
            book.publisher = nil
        }
        // As the API takes it (100 scalars, one line): a Book Id of 20,000 characters failed the
        // whole import on PostgreSQL, too long for `editions_goodreads_key`'s B-tree.
        if let key = book.goodreadsKey, TextRules.length(key) > EditionRules.keyLength || TextRules.singleLineProblem(key) != nil {
            book.goodreadsKey = nil
        }
        for shelving in book.shelvings {
            if let name = shelving.customName, let problem = shelfNameProblem(name) { return .failure(problem) }
        }
        for index in book.statuses.indices {
            if let problem = statusProblem(book.statuses[index]) { return .failure(RowProblem(problem)) }
            // Dropped as a page count is: past the API's range, and past PostgreSQL's integer
            // column (99,999,999,999 pages failed the whole import there).
            if let progress = book.statuses[index].progress, !StatusRules.progress.contains(progress) { book.statuses[index].progress = nil }
        }
        return .success(book)
    }

    /// Why a custom shelf's name can't be stored, as the API would refuse it; nil when it can.
    /// Also checked for the shelves an archive's account names (`ImportAccountRestore`).
    static func shelfNameProblem(_ name: String) -> RowProblem? {
        if !ShelfRules.nameLength.contains(TextRules.length(name)) {
            return RowProblem("the shelf name '\(TextRules.prefix(name, 40))' must be \(ShelfRules.nameLength.lowerBound) to \(ShelfRules.nameLength.upperBound) characters")
        }
        if let problem = TextRules.singleLineProblem(name) { return RowProblem("a shelf name \(problem)") }
        return nil
    }

    private static func statusProblem(_ status: ExchangeStatus) -> String? {
        let what = status.kind.rawValue
        if !StatusRules.bodyLength.contains(TextRules.length(status.body)) {
            return "the \(what) is longer than \(StatusRules.bodyLength.upperBound) characters"
        }
        if let problem = TextRules.freeTextProblem(status.body) { return "the \(what) \(problem)" }
        if let rating = status.rating, !StatusRules.halfStars.contains(rating) { return "the rating must be from 0.5 to 5 stars" }
        if let title = status.title, !StatusRules.titleLength.contains(TextRules.length(title)) || TextRules.singleLineProblem(title) != nil {
            return "the \(what)'s name must be one line of \(StatusRules.titleLength.lowerBound) to \(StatusRules.titleLength.upperBound) characters"
        }
        if let quote = status.quote, !StatusRules.quoteLength.contains(TextRules.length(quote)) || TextRules.freeTextProblem(quote) != nil {
            return "the quotation must be \(StatusRules.quoteLength.lowerBound) to \(StatusRules.quoteLength.upperBound) characters"
        }
        if let warning = status.contentWarning, !StatusRules.contentWarningLength.contains(TextRules.length(warning)) {
            return "the content warning must be \(StatusRules.contentWarningLength.lowerBound) to \(StatusRules.contentWarningLength.upperBound) characters"
        }
        if status.kind == .quotation, status.quote == nil { return "a quotation without its quoted text" }
        return nil
    }
}

/// Why a row can't be imported, for a person.
struct RowProblem: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
