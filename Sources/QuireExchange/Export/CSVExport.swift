import Foundation

/// A CSV export format: its header and how one book becomes one row.
protocol CSVExportFormat {
    var header: [String] { get }
    /// The line end after every row, the last included.
    var newline: String { get }
    func row(_ book: ExchangeBook) -> [String]
}

/// The export writer for every one-row-a-book CSV format: the header on `begin`, a row per book
/// as batches arrive. Follows and blocks have no place in these files and are skipped.
final class CSVExport<Format: CSVExportFormat>: AccountExportWriter {
    private let path: String
    private let format: Format
    private var csv: CSVFileWriter?
    private var created = false

    init(path: String, format: Format) {
        self.path = path
        self.format = format
    }

    func begin(profile: ExchangeProfile) throws {
        guard !created else { throw ExportWriterError.outOfOrder("begin twice") }
        created = true
        let csv = try CSVFileWriter(path: path, newline: format.newline)
        self.csv = csv
        try csv.write(row: format.header)
    }

    func append(books: [ExchangeBook]) throws {
        guard let csv else { throw ExportWriterError.outOfOrder("books outside begin...finish") }
        for book in books { try csv.write(row: format.row(book)) }
    }

    func append(follows: [String]) throws {
        guard csv != nil else { throw ExportWriterError.outOfOrder("follows outside begin...finish") }
    }

    func append(blocks: [String]) throws {
        guard csv != nil else { throw ExportWriterError.outOfOrder("blocks outside begin...finish") }
    }

    func finish() throws {
        guard let csv else { throw ExportWriterError.outOfOrder("finish outside begin...finish") }
        self.csv = nil
        try csv.close()
    }

    func discard() {
        csv?.abandon()
        csv = nil
        if created { try? FileManager.default.removeItem(atPath: path) }
    }
}
