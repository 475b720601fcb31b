/// One `books[]` entry of BookWyrm's archive.json, as far as Quire reads it: both the entries
/// Quire's `BookWyrmBookEntry` writes and BookWyrm's own (more keys, indented, `cover` objects,
/// `publishedDate` as a full timestamp). Every key is optional; what is missing is left out.
struct ArchiveBook: Decodable {
    var work: Work?
    var edition: Edition?
    var authors: [Author]?
    var shelves: [Shelf]?
    var comments: [Status]?
    var quotations: [Status]?
    var reviews: [Status]?
    var readthroughs: [Readthrough]?

    struct Work: Decodable {
        var title: String?
        var openlibraryKey: String?
    }

    struct Edition: Decodable {
        var title: String?
        var subtitle: String?
        var description: String?
        var pages: Int?
        var publishers: [String]?
        var publishedDate: String?
        var physicalFormat: String?
        var isbn10: String?
        var isbn13: String?
        var openlibraryKey: String?
        var goodreadsKey: String?
    }

    struct Author: Decodable {
        var name: String?
    }

    struct Shelf: Decodable {
        var id: String?
        var name: String?
        var to: [String]?
        var cc: [String]?
    }

    struct Status: Decodable {
        var type: String?
        var published: String?
        var content: String?
        var to: [String]?
        var cc: [String]?
        var summary: String?
        var name: String?
        var rating: Double?
        var quote: String?
        var position: Int?
        // swiftlint:disable identifier_name
        var position_mode: String?
        var progress: Int?
        var progress_mode: String?
        // swiftlint:enable identifier_name
    }

    struct Readthrough: Decodable {
        // swiftlint:disable identifier_name
        var start_date: String?
        var finish_date: String?
        var stopped_date: String?
        // swiftlint:enable identifier_name
    }
}

/// What can still be read of an entry that isn't a whole book, to fill its row's cells.
struct ArchiveBookName: Decodable {
    var edition: Edition?

    struct Edition: Decodable {
        var title: String?
        var isbn10: String?
        var isbn13: String?
    }
}
