/// One record of a delimited file: its fields decoded, and what went wrong reading it.
struct DelimitedRecord {
    var fields: [String] = []
    /// Fields longer than the limit (kept cut at the limit).
    var oversized: [Int] = []
    /// The field whose opening quote never closed, when one didn't.
    var unclosedQuote: Int?

    /// An empty line, which is no row at all.
    var isBlank: Bool { fields.count == 1 && fields[0].isEmpty && oversized.isEmpty && unclosedQuote == nil }
}

/// RFC 4180 records over bytes, with a comma or a tab between fields: quoted fields may span
/// lines, `""` inside quotes is a quote, lines end with LF, CRLF or CR. Written by hand (CSV.swift
/// was measured 40 times slower) and over bytes, so each field is decoded on its own
/// (`TextDecoding`).
///
/// Broken quoting must not swallow the rest of a file silently. A quote that opens a field and
/// either never closes before the end of the file, or runs past `maxFieldBytes`, ends its record
/// there: the record is marked (`unclosedQuote`, `oversized`) and reading resumes at the first
/// line break after the opening quote, which is where the next row starts when the quote was a
/// stray. (A genuine quoted field longer than the limit that spans lines costs the lines after
/// its first one, which come out as rows of the wrong width and so fail too.) Text after a closing
/// quote and before the delimiter is kept as part of the field, as Python's csv module does.
/// An unquoted field longer than the limit is cut, and the record continues.
final class DelimitedRecordReader {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private enum Terminator { case delimiter, lineEnd, endOfFile }

    private let source: ChunkedFileReader
    private let delimiter: UInt8
    private let maxFieldBytes: Int
    private var field: [UInt8] = []

    init(source: ChunkedFileReader, delimiter: UInt8, maxFieldBytes: Int) {
        self.source = source
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
    }

    func next() throws -> DelimitedRecord? {
        guard try source.peek() != nil else { return nil }
        var record = DelimitedRecord()
        while true {
            field.removeAll(keepingCapacity: true)
            let terminator: Terminator
            if try source.peek() == Self.quote {
                _ = try source.next()
                terminator = try quotedField(&record)
            } else {
                terminator = try unquotedField(&record)
            }
            record.fields.append(TextDecoding.string(field))
            switch terminator {
            case .delimiter: continue
            case .lineEnd, .endOfFile: return record
            }
        }
    }

    private func unquotedField(_ record: inout DelimitedRecord) throws -> Terminator {
        var oversized = false
        defer { if oversized { record.oversized.append(record.fields.count) } }
        while let byte = try source.next() {
            if byte == delimiter { return .delimiter }
            if byte == Self.lineFeed { return .lineEnd }
            if byte == Self.carriageReturn { return try endOfLineAfterCarriageReturn() }
            if field.count < maxFieldBytes { field.append(byte) } else { oversized = true }
        }
        return .endOfFile
    }

    /// After the opening quote.
    private func quotedField(_ record: inout DelimitedRecord) throws -> Terminator {
        var firstLineBreak: Int64?
        while let byte = try source.next() {
            if byte == Self.quote {
                guard try source.peek() == Self.quote else {
                    return try unquotedField(&record)
                }
                _ = try source.next()
            } else if byte == Self.lineFeed || byte == Self.carriageReturn, firstLineBreak == nil {
                firstLineBreak = source.offset
                if byte == Self.carriageReturn, try source.peek() == Self.lineFeed { firstLineBreak = source.offset + 1 }
            }
            guard field.count < maxFieldBytes else {
                record.oversized.append(record.fields.count)
                return try resume(after: firstLineBreak)
            }
            field.append(byte)
        }
        record.unclosedQuote = record.fields.count
        return try resume(after: firstLineBreak)
    }

    /// Goes back to the first line break inside the broken quoted field, or on to the next one.
    private func resume(after lineBreak: Int64?) throws -> Terminator {
        if let lineBreak {
            try source.seek(to: lineBreak)
            return .lineEnd
        }
        while let byte = try source.next() {
            if byte == Self.lineFeed { return .lineEnd }
            if byte == Self.carriageReturn { return try endOfLineAfterCarriageReturn() }
        }
        return .endOfFile
    }

    private func endOfLineAfterCarriageReturn() throws -> Terminator {
        if try source.peek() == Self.lineFeed { _ = try source.next() }
        return .lineEnd
    }
}
