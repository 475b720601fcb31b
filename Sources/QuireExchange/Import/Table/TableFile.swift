import Foundation

/// A delimited text file opened for reading: its encoding handled (a UTF-8 byte order mark
/// skipped, UTF-16 copied to UTF-8 first), its delimiter chosen from the header line, and the
/// header read.
final class TableFile {
    let header: [String]
    let records: DelimitedRecordReader
    /// A UTF-8 copy of a UTF-16 file, removed with this object.
    private let workingCopy: String?

    init(path: String, maxFieldBytes: Int) throws {
        var source = try ChunkedFileReader(path: path)
        let start = try source.prefix(4)
        var workingCopy: String?
        if let order = UTF16Transcoder.byteOrder(start) {
            let copy = path + ".utf8.import"
            try UTF16Transcoder.transcode(path, order: order, to: copy)
            workingCopy = copy
            source = try ChunkedFileReader(path: copy)
        }
        self.workingCopy = workingCopy
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try source.seek(to: 0)
        let startOfText: Int64 = try source.prefix(3) == bom ? 3 : 0
        try source.seek(to: startOfText)
        let delimiter = try Self.delimiter(source)
        try source.seek(to: startOfText)
        records = DelimitedRecordReader(source: source, delimiter: delimiter, maxFieldBytes: maxFieldBytes)
        guard let first = try records.next() else {
            if let workingCopy { try? FileManager.default.removeItem(atPath: workingCopy) }
            throw ImportFileError.empty
        }
        guard first.unclosedQuote == nil, first.oversized.isEmpty else {
            if let workingCopy { try? FileManager.default.removeItem(atPath: workingCopy) }
            throw ImportFileError.malformed("the file's first line is not a header of column names")
        }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if header.allSatisfy(\.isEmpty) {
            if let workingCopy { try? FileManager.default.removeItem(atPath: workingCopy) }
            throw ImportFileError.empty
        }
    }

    deinit {
        if let workingCopy { try? FileManager.default.removeItem(atPath: workingCopy) }
    }

    /// A tab when the header line has more tabs than commas (LibraryThing), else a comma.
    private static func delimiter(_ source: ChunkedFileReader) throws -> UInt8 {
        var tabs = 0
        var commas = 0
        var scanned = 0
        while scanned < ChunkedFileReader.chunkSize, let byte = try source.next(), byte != UInt8(ascii: "\n") {
            scanned += 1
            if byte == UInt8(ascii: "\t") { tabs += 1 } else if byte == UInt8(ascii: ",") { commas += 1 }
        }
        return tabs > commas ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }
}
