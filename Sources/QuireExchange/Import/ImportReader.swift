/// Reads an import file a row at a time, holding at most one row (and a fixed buffer) in memory,
/// so a 200,000-row file costs what a 20-row one does.
public protocol ImportReader: AnyObject {
    /// The file's columns, for `failed.csv` (the failed rows are written under this header plus a
    /// `reason` column, so the file imports again). For BookWyrm's archive, the bookwyrm-csv
    /// columns its rows' `cells` are given in.
    var header: [String] { get }
    /// The next row, or nil after the last. Throws `ImportFileError` when the file as a whole
    /// can't be read further (a broken gzip stream, an archive past its limits); a bad row is
    /// a row with a `problem`, not an error.
    func next() throws -> ImportRow?
    /// BookWyrm's profile, settings, shelves, follows and blocks; nil for other formats. Complete
    /// once `next()` has returned nil.
    var account: ImportedAccount? { get }
    /// Reads to the end, counting the rows `next()` would have given, for an import's progress
    /// total; cheaper than `next()` where a format can skip turning records into books.
    func countRemaining() throws -> Int
}

extension ImportReader {
    public func countRemaining() throws -> Int {
        var count = 0
        while try next() != nil { count += 1 }
        return count
    }
}

/// Bounds on what a file may make the server do.
public struct ImportLimits: Sendable, Equatable {
    /// One field (a CSV cell, a JSON string): a longer one fails its row.
    public var maxFieldBytes: Int
    /// An archive's entries and the bytes they expand to.
    public var maxArchiveEntries: Int
    public var maxExpandedBytes: Int64

    public init(maxFieldBytes: Int = 1 << 20, maxArchiveEntries: Int = 10_000, maxExpandedBytes: Int64 = 512 << 20) {
        self.maxFieldBytes = maxFieldBytes
        self.maxArchiveEntries = maxArchiveEntries
        self.maxExpandedBytes = maxExpandedBytes
    }
}

/// Why a file can't be imported at all; `message` is for a person and names what is wrong.
public enum ImportFileError: Error, Equatable, Sendable {
    case empty
    /// No format's header or shape matches.
    case unrecognised
    /// The header lacks columns the format needs.
    case missingColumns(format: ImportFormat, columns: [String])
    /// The file is damaged or not what its format says (broken gzip, JSON of the wrong shape).
    case malformed(String)
    /// An archive expands past `ImportLimits`.
    case tooLarge(String)

    public var message: String {
        switch self {
        case .empty: "the file is empty"
        case .unrecognised: "the file matches no import format; formats accepted: \(ImportFormat.names)"
        case let .missingColumns(format, columns):
            "the \(format.rawValue) file lacks the column\(columns.count == 1 ? "" : "s") \(columns.map { "'\($0)'" }.joined(separator: ", "))"
        case let .malformed(reason): reason
        case let .tooLarge(reason): reason
        }
    }
}
