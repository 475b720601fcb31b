import Foundation

/// LibraryThing and Excel sometimes save text as UTF-16 with a byte order mark. The CSV reader
/// works on UTF-8 bytes, so such a file is first copied, a chunk at a time, into a UTF-8 file
/// beside it, which the reader then reads (and removes when it is done).
enum UTF16Transcoder {
    enum ByteOrder { case little, big }

    static func byteOrder(_ start: [UInt8]) -> ByteOrder? {
        guard start.count >= 2 else { return nil }
        if start[0] == 0xFF, start[1] == 0xFE { return .little }
        if start[0] == 0xFE, start[1] == 0xFF { return .big }
        return nil
    }

    /// Writes the UTF-8 form of the UTF-16 file at `source` (its byte order mark dropped) to
    /// `destination`. Unpaired surrogates become U+FFFD.
    static func transcode(_ source: String, order: ByteOrder, to destination: String) throws {
        let input = try ChunkedFileReader(path: source)
        try input.seek(to: 2)
        guard FileManager.default.createFile(atPath: destination, contents: nil), let output = FileHandle(forWritingAtPath: destination) else {
            throw ImportFileError.malformed("a working copy of the file can't be written")
        }
        defer { try? output.close() }
        var units: [UInt16] = []
        var utf8: [UInt8] = []
        func flush() throws {
            var iterator = units.makeIterator()
            var decoder = UTF16()
            loop: while true {
                switch decoder.decode(&iterator) {
                case let .scalarValue(scalar): utf8.append(contentsOf: Array(String(scalar).utf8))
                case .emptyInput: break loop
                case .error: utf8.append(contentsOf: [0xEF, 0xBF, 0xBD])
                }
            }
            units.removeAll(keepingCapacity: true)
            try output.write(contentsOf: utf8)
            utf8.removeAll(keepingCapacity: true)
        }
        while let first = try input.next() {
            guard let second = try input.next() else { break }
            let unit = order == .little ? UInt16(second) << 8 | UInt16(first) : UInt16(first) << 8 | UInt16(second)
            units.append(unit)
            // Never split a surrogate pair between two batches.
            if units.count >= ChunkedFileReader.chunkSize / 2, !(0xD800...0xDBFF).contains(unit) { try flush() }
        }
        try flush()
    }
}
