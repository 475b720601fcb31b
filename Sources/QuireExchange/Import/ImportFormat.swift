/// The files a reader can bring their library in from.
public enum ImportFormat: String, Sendable, CaseIterable, Codable {
    case goodreads
    case storygraph
    case librarything
    case openlibrary
    case calibre
    case openreads
    /// BookWyrm's CSV export: the 30 columns Quire writes, and older 27-column files.
    case bookwyrmCSV = "bookwyrm-csv"
    /// BookWyrm's account archive (a gzip'd tar holding archive.json).
    case bookwyrm

    /// The formats by name, for the message that refuses any other.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
