/// A one-row-a-book import format: how its header is recognised, which columns it can't do
/// without, and how a row becomes a book.
protocol TableFormat {
    static var format: ImportFormat { get }
    /// Columns without which no row can be read, spelled as the format spells them.
    static var requiredColumns: [String] { get }
    /// Whether a header (lower-cased column names) is this format's.
    static func recognises(_ columns: Set<String>) -> Bool

    init(now: Int64)
    /// The row's book; problems are added to `row`, and a row with a problem fails.
    func book(from row: inout TableRow) -> ImportedBook
}

enum TableFormats {
    /// In the order detection tries them: the most specific headers first.
    static let all: [any TableFormat.Type] = [
        BookWyrmCSVImport.self, StoryGraphImport.self, LibraryThingImport.self, OpenLibraryImport.self, CalibreImport.self,
        OpenreadsImport.self, GoodreadsImport.self,
    ]

    static func type(for format: ImportFormat) -> (any TableFormat.Type)? {
        all.first { $0.format == format }
    }
}
