/// Where an import starts: which format a file is, and a reader for it.
public enum ImportFiles {
    /// Recognises the format from the file's first bytes and header row: gzip's magic number is
    /// BookWyrm's archive, a JSON object its archive.json alone; otherwise the CSV or TSV
    /// header's columns decide. Throws `ImportFileError.empty` or `.unrecognised`.
    public static func detect(path: String) throws -> ImportFormat {
        let start = try ChunkedFileReader(path: path).prefix(ChunkedFileReader.chunkSize)
        if start.starts(with: [0x1F, 0x8B]) { return .bookwyrm }
        let text = UTF16Transcoder.byteOrder(start) == nil ? start.drop { [0xEF, 0xBB, 0xBF].contains($0) } : []
        if let first = text.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") { return .bookwyrm }
        if UTF16Transcoder.byteOrder(start) == nil, text.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { throw ImportFileError.empty }
        let columns = TableColumns(try TableFile(path: path, maxFieldBytes: ChunkedFileReader.chunkSize).header).keys
        guard let format = TableFormats.all.first(where: { $0.recognises(columns) }) else { throw ImportFileError.unrecognised }
        return format.format
    }

    /// Opens a reader, reading and checking the header at once: throws
    /// `ImportFileError.missingColumns` naming the required columns the header lacks, `.empty`,
    /// or `.malformed`. `now` (Unix microseconds) is the time given to statuses and shelvings
    /// the file has no date for.
    public static func open(_ format: ImportFormat, path: String, limits: ImportLimits, now: Int64) throws -> any ImportReader {
        guard let type = TableFormats.type(for: format) else {
            return try BookWyrmArchiveReader(path: path, limits: limits, now: now)
        }
        return try openTable(type, path: path, limits: limits, now: now)
    }

    private static func openTable<Format: TableFormat>(_ type: Format.Type, path: String, limits: ImportLimits, now: Int64) throws -> any ImportReader {
        let file = try TableFile(path: path, maxFieldBytes: limits.maxFieldBytes)
        return try TableImportReader<Format>(file: file, now: now, maxFieldBytes: limits.maxFieldBytes)
    }
}
