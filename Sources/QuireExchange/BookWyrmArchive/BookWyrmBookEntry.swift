import QuireCore

/// One `books[]` entry of archive.json: the edition with its work and authors, and the reader's
/// shelves, statuses and read-throughs of it. Every list key is written, empty where there is
/// nothing, since BookWyrm's importer iterates each without checking.
struct BookWyrmBookEntry {
    let book: ExchangeBook
    let urls: BookWyrmURLs

    func write(to json: ArchiveJSONWriter) throws {
        try json.openObject()
        try json.key("work")
        try writeWork(json)
        try json.key("edition")
        try writeEdition(json)
        try json.key("authors")
        try json.openArray()
        for author in book.authors { try writeAuthor(author, json) }
        try json.closeArray()
        try json.key("shelves")
        try json.openArray()
        for shelving in book.shelvings { try writeShelf(shelving, json) }
        try json.closeArray()
        try json.emptyArrayField("lists")
        let statuses = BookWyrmStatuses(book: book, urls: urls)
        try statuses.write(kind: .comment, as: "comments", to: json)
        try statuses.write(kind: .quotation, as: "quotations", to: json)
        try statuses.write(kind: .review, as: "reviews", to: json)
        try json.key("readthroughs")
        try json.openArray()
        for readthrough in book.readthroughs { try writeReadthrough(readthrough, json) }
        try json.closeArray()
        try json.closeObject()
    }

    private var authorURLs: [String] { book.authors.map { urls.author($0.id) } }

    private func writeWork(_ json: ArchiveJSONWriter) throws {
        try json.openObject()
        try json.field("id", urls.work(book.work.id))
        try json.field("type", "Work")
        try json.field("title", book.work.title)
        try json.field("openlibraryKey", book.work.openlibraryKey)
        try json.field("authors", strings: authorURLs)
        try json.field("editions", strings: [urls.edition(book.edition.id)])
        try json.closeObject()
    }

    /// Text fields BookWyrm keeps as blank strings are written `""` when Quire has nothing.
    private func writeEdition(_ json: ArchiveJSONWriter) throws {
        let edition = book.edition
        try json.openObject()
        try json.field("id", urls.edition(edition.id))
        try json.field("type", "Edition")
        try json.field("title", edition.title)
        try json.field("subtitle", edition.subtitle ?? "")
        try json.field("description", edition.description.map(PlainTextHTML.paragraphs) ?? "")
        try json.field("languages", strings: edition.languages)
        try json.field("pages", edition.pages.map(Int64.init))
        try json.field("publishers", strings: edition.publishers)
        try json.field("publishedDate", edition.publishedDate ?? "")
        try json.field("physicalFormat", edition.physicalFormat ?? "")
        try json.field("isbn10", edition.isbn10 ?? "")
        try json.field("isbn13", edition.isbn13 ?? "")
        try json.field("openlibraryKey", edition.openlibraryKey)
        try json.field("goodreadsKey", edition.goodreadsKey)
        try json.field("work", urls.work(book.work.id))
        try json.field("authors", strings: authorURLs)
        try json.closeObject()
    }

    private func writeAuthor(_ author: ExchangeAuthor, _ json: ArchiveJSONWriter) throws {
        try json.openObject()
        try json.field("id", urls.author(author.id))
        try json.field("type", "Author")
        try json.field("name", author.name)
        try json.field("openlibraryKey", author.openlibraryKey)
        try json.field("goodreadsKey", author.goodreadsKey)
        try json.closeObject()
    }

    /// BookWyrm's importer finds (or makes) the reader's shelf by name, so default shelves carry
    /// BookWyrm's names for them ("To Read", "Currently Reading", "Read", "Stopped Reading").
    private func writeShelf(_ shelving: ExchangeShelving, _ json: ArchiveJSONWriter) throws {
        let audience = urls.audience(shelving.privacy)
        try json.openObject()
        try json.field("id", urls.shelf(shelving.identifier))
        try json.field("type", "Shelf")
        try json.field("name", shelving.defaultShelf?.name ?? shelving.name)
        try json.field("owner", urls.actor)
        try json.field("to", strings: audience.to)
        try json.field("cc", strings: audience.cc)
        try json.closeObject()
    }

    /// A read-through as BookWyrm writes its database row (`.values()` through Django's JSON
    /// encoder); Quire's dates are days, so they are midnight UTC.
    private func writeReadthrough(_ readthrough: ExchangeReadthrough, _ json: ArchiveJSONWriter) throws {
        func midnight(_ day: String?) -> String? { day.map { "\($0)T00:00:00Z" } }
        try json.openObject()
        try json.field("id", readthrough.id)
        try json.field("created_date", ExportTimestamp(microseconds: readthrough.createdAt).djangoISO)
        try json.field("updated_date", ExportTimestamp(microseconds: readthrough.updatedAt).djangoISO)
        try json.field("remote_id", urls.readthrough(readthrough.id))
        try json.field("book_id", book.edition.id)
        try json.field("progress", readthrough.progress.map(Int64.init))
        try json.field("progress_mode", BookWyrmStatuses.progressMode(readthrough.progressMode))
        try json.field("start_date", midnight(readthrough.startedOn))
        try json.field("finish_date", midnight(readthrough.finishedOn))
        try json.field("stopped_date", midnight(readthrough.stoppedOn))
        try json.field("is_active", readthrough.isActive)
        try json.closeObject()
    }
}
