/// The reader of every one-row-a-book format: records from the file, one at a time, each turned
/// into a book by the format, or failed with the reason.
final class TableImportReader<Format: TableFormat>: ImportReader {
    let header: [String]
    var account: ImportedAccount? { nil }

    private let file: TableFile
    private let columns: TableColumns
    private let format: Format
    private let maxFieldBytes: Int
    private var number = 0

    init(file: TableFile, now: Int64, maxFieldBytes: Int) throws {
        self.file = file
        header = file.header
        let columns = TableColumns(file.header)
        self.columns = columns
        let missing = Format.requiredColumns.filter { !columns.has($0) }
        guard missing.isEmpty else { throw ImportFileError.missingColumns(format: Format.format, columns: missing) }
        format = Format(now: now)
        self.maxFieldBytes = maxFieldBytes
    }

    func next() throws -> ImportRow? {
        while let record = try file.records.next() {
            if record.isBlank { continue }
            number += 1
            if let problem = problem(record) {
                return ImportRow(number: number, cells: record.fields, book: nil, problem: problem)
            }
            var row = TableRow(cells: record.fields, columns: columns)
            let book = format.book(from: &row)
            if row.problems.isEmpty, book.title.isEmpty, book.isbn13 == nil, book.openlibraryEditionKey == nil, book.openlibraryWorkKey == nil {
                row.problem("no title and no ISBN")
            }
            guard row.problems.isEmpty else {
                return ImportRow(number: number, cells: record.fields, book: nil, problem: row.problems.joined(separator: "; "))
            }
            return ImportRow(number: number, cells: record.fields, book: book)
        }
        return nil
    }

    /// Records only: a count of rows costs the tokenizer's pass and not the mapping into books
    /// (a seventh of an import's time when every row was mapped twice).
    func countRemaining() throws -> Int {
        var count = 0
        while let record = try file.records.next() {
            if !record.isBlank { count += 1 }
        }
        number += count
        return count
    }

    /// What makes the record unreadable as a whole: broken quoting, an overlong field, or a
    /// width that doesn't match the header (often the sign of quoting broken further up).
    private func problem(_ record: DelimitedRecord) -> String? {
        func name(_ index: Int) -> String {
            index < header.count && !header[index].isEmpty ? "column '\(header[index])'" : "column \(index + 1)"
        }
        if let index = record.oversized.first {
            return "\(name(index)) is longer than \(Self.size(maxFieldBytes))"
        }
        if let index = record.unclosedQuote {
            return "\(name(index)) opens a quote that is never closed"
        }
        guard record.fields.count == header.count else {
            return "the row has \(record.fields.count) cells where the header has \(header.count) (a quote or a delimiter out of place?)"
        }
        return nil
    }

    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
