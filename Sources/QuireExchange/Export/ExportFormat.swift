/// The files a reader can take their library away in.
public enum ExportFormat: String, Sendable, CaseIterable, Codable {
    /// BookWyrm's account archive: a gzip'd tar holding `archive.json`, which BookWyrm's account
    /// importer reads.
    case bookwyrm
    /// BookWyrm's CSV export, one row a book.
    case bookwyrmCSV = "bookwyrm-csv"
    /// Goodreads' library export, which StoryGraph and most other services import.
    case goodreads

    /// The file name suffix, without a leading dot.
    public var fileExtension: String {
        switch self {
        case .bookwyrm: "tar.gz"
        case .bookwyrmCSV, .goodreads: "csv"
        }
    }

    /// The Content-Type to serve the file with.
    public var contentType: String {
        switch self {
        case .bookwyrm: "application/gzip"
        case .bookwyrmCSV, .goodreads: "text/csv; charset=utf-8"
        }
    }

    /// Whether the file lists the reader's follows and blocks (the CSVs are books only), so an
    /// export in a format without them doesn't read them.
    public var carriesPeople: Bool { self == .bookwyrm }

    /// The formats by name, for the message that refuses any other.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
