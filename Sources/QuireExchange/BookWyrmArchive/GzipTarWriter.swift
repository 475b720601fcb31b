import CompressNIO
import Foundation
import NIOCore

/// A gzip'd tar of files already on disk, written a chunk at a time so that neither the files nor
/// the archive are ever whole in memory. The tar is POSIX ustar (512-byte header, contents padded
/// to 512 bytes, two zero blocks to end), which Python's tarfile (BookWyrm's reader) and GNU tar
/// read.
final class GzipTarWriter {
    static let chunkSize = 64 * 1024
    private static let block = 512

    private let out: BufferedFileWriter
    private let compressor: NIOCompressor

    init(out: BufferedFileWriter) throws {
        self.out = out
        compressor = CompressionAlgorithm.gzip().compressor
        compressor.window = ByteBufferAllocator().buffer(capacity: Self.chunkSize)
        try compressor.startStream()
    }

    /// Adds the file at `source` under `name`, read in chunks.
    func addFile(named name: String, from source: String, modified: Int64) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw ExportWriterError.io("cannot read \(source)") }
        defer { try? input.close() }
        let size = try input.seekToEnd()
        try input.seek(toOffset: 0)
        try compress(Self.header(name: name, size: size, modified: modified), flush: .no)
        var copied: UInt64 = 0
        while copied < size {
            guard let chunk = try input.read(upToCount: Self.chunkSize), !chunk.isEmpty else {
                throw ExportWriterError.io("\(source) ended early")
            }
            copied += UInt64(chunk.count)
            try compress(Array(chunk), flush: .no)
        }
        let padding = (Self.block - Int(size % UInt64(Self.block))) % Self.block
        if padding > 0 { try compress([UInt8](repeating: 0, count: padding), flush: .no) }
    }

    /// Writes the end-of-archive blocks and the gzip trailer.
    func finish() throws {
        try compress([UInt8](repeating: 0, count: 2 * Self.block), flush: .finish)
        try compressor.finishStream()
    }

    private func compress(_ bytes: [UInt8], flush: CompressNIOFlush) throws {
        var input = ByteBuffer(bytes: bytes)
        try input.compressStream(with: compressor, flush: flush) { window in
            try window.withUnsafeReadableBytes { try out.write($0) }
        }
    }

    /// A ustar header for a regular file: fields are NUL-padded text, numbers in octal, and the
    /// checksum is the byte sum of the header with its own field read as spaces.
    static func header(name: String, size: UInt64, modified: Int64) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: UInt64, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(UInt64(max(0, modified)), width: 12), at: 136, width: 12)
        put("        ", at: 148, width: 8)
        put("0", at: 156, width: 1)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        put(octal(0, width: 8), at: 329, width: 8)
        put(octal(0, width: 8), at: 337, width: 8)
        let checksum = header.reduce(0) { $0 + UInt64($1) }
        put(octal(checksum, width: 7), at: 148, width: 6)
        header[154] = 0
        header[155] = UInt8(ascii: " ")
        return header
    }
}
