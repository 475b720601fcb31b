import Foundation

/// A file's bytes one at a time through a fixed 64 KiB buffer (`read(2)`), so reading a file of
/// any size costs the same memory. `seek` lets the CSV reader go back to a line it already passed
/// when a quote turns out never to close.
final class ChunkedFileReader {
    static let chunkSize = 64 * 1024

    let path: String
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var position = 0
    private var count = 0
    /// The file offset of `buffer[0]`.
    private var chunkStart: Int64 = 0

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ImportFileError.malformed("the file can't be opened: \(String(cString: strerror(errno)))") }
        self.path = path
        self.descriptor = descriptor
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 8)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The offset of the byte `next()` returns next.
    var offset: Int64 { chunkStart + Int64(position) }

    @inline(__always)
    func next() throws -> UInt8? {
        if position == count, try !refill() { return nil }
        let byte = buffer[position]
        position += 1
        return byte
    }

    @inline(__always)
    func peek() throws -> UInt8? {
        if position == count, try !refill() { return nil }
        return buffer[position]
    }

    func seek(to offset: Int64) throws {
        if offset >= chunkStart, offset <= chunkStart + Int64(count) {
            position = Int(offset - chunkStart)
            return
        }
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw ImportFileError.malformed("the file can't be read: \(String(cString: strerror(errno)))")
        }
        chunkStart = offset
        position = 0
        count = 0
    }

    /// The bytes buffered from the current position on (refilling first when none are), all
    /// consumed; nil at the end of the file. For copying a file through in chunks.
    func nextChunk() throws -> UnsafeRawBufferPointer? {
        if position == count, try !refill() { return nil }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[position..<count])
        position = count
        return chunk
    }

    /// Up to `limit` bytes from the current position, for sniffing a file's start.
    func prefix(_ limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < limit, let byte = try next() { bytes.append(byte) }
        return bytes
    }

    private func refill() throws -> Bool {
        chunkStart += Int64(count)
        position = 0
        count = 0
        while true {
            let read = Foundation.read(descriptor, buffer.baseAddress, Self.chunkSize)
            if read < 0, errno == EINTR { continue }
            guard read >= 0 else { throw ImportFileError.malformed("the file can't be read: \(String(cString: strerror(errno)))") }
            count = read
            return read > 0
        }
    }
}
