/// Writes one account's export file as the export job feeds it, a batch at a time.
///
/// Calls come in this order: `begin`, `append(books:)` any number of times, `append(follows:)`
/// any number of times, `append(blocks:)` any number of times, `finish`. A call out of that
/// order throws `ExportWriterError.outOfOrder`. Memory does not grow with the account: every
/// batch is encoded and written to disk (through a 64 KiB buffer) as it arrives.
///
/// Not thread-safe: one task drives one writer from `begin` to `finish` or `discard`.
public protocol AccountExportWriter: AnyObject {
    func begin(profile: ExchangeProfile) throws
    func append(books: [ExchangeBook]) throws
    /// Usernames of accounts the reader follows (local accounts of this server).
    func append(follows: [String]) throws
    /// Usernames of accounts the reader has blocked (local accounts of this server).
    func append(blocks: [String]) throws
    /// Completes the file at the destination path given at creation. Afterwards the file is whole.
    func finish() throws
    /// Stops early and removes every file this writer created (used on cancellation or failure).
    /// Safe to call at any point, more than once, and after `finish` (it then removes the file).
    func discard()
}

/// Makes the writer for a format, writing to `path` (the caller renames it into place afterwards).
/// Nothing is created on disk until `begin`.
/// - Parameter publicURL: the server's public base URL without a trailing slash, e.g.
///   "https://quire.example" (setting `QUIRE_PUBLIC_URL`); the BookWyrm formats name books and
///   users by URLs under it.
public func makeExportWriter(_ format: ExportFormat, path: String, publicURL: String) throws -> any AccountExportWriter {
    let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    switch format {
    case .bookwyrm: return BookWyrmArchive(path: path, publicURL: base)
    case .bookwyrmCSV: return CSVExport(path: path, format: BookWyrmCSV(publicURL: base))
    case .goodreads: return CSVExport(path: path, format: GoodreadsCSV())
    }
}

/// Why an export file could not be written.
public enum ExportWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The writer was called out of the order `AccountExportWriter` documents: a bug in the caller.
    case outOfOrder(String)
    /// The file system refused: the message names the path and the operation.
    case io(String)

    public var description: String {
        switch self {
        case .outOfOrder(let message): "export writer called out of order: \(message)"
        case .io(let message): "export file: \(message)"
        }
    }
}
