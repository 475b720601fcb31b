import CompressNIO
import NIOCore

/// A gzip file's contents, inflated a 64 KiB window at a time (CompressNIO's streaming
/// decompressor), so neither the file nor what it expands to is ever whole in memory. Counts
/// what it expands to against `maxExpandedBytes`, which a small file built to expand enormously
/// (a "zip bomb") reaches long before it fills a disk.
final class GunzipStream {
    private let file: ChunkedFileReader
    private let decompressor: NIODecompressor
    private let maxExpandedBytes: Int64
    private var input: ByteBuffer
    private var output: ByteBuffer
    private var fileEnded = false
    private var streamEnded = false
    private(set) var expandedBytes: Int64 = 0

    init(path: String, maxExpandedBytes: Int64) throws {
        file = try ChunkedFileReader(path: path)
        decompressor = CompressionAlgorithm.gzip().decompressor
        try decompressor.startStream()
        self.maxExpandedBytes = maxExpandedBytes
        let allocator = ByteBufferAllocator()
        input = allocator.buffer(capacity: ChunkedFileReader.chunkSize)
        output = allocator.buffer(capacity: ChunkedFileReader.chunkSize)
    }

    deinit {
        try? decompressor.finishStream()
    }

    /// The next inflated bytes (at most 64 KiB), or nil at the end of the gzip stream.
    func next() throws -> ByteBuffer? {
        output.clear()
        while output.readableBytes == 0, !streamEnded {
            if input.readableBytes == 0 {
                guard try fill() else { break }
            }
            let before = input.readableBytes
            do {
                try decompressor.streamInflate(from: &input, to: &output)
                // Inflate returned without asking for room or input: the stream is complete.
                if output.readableBytes == 0 && input.readableBytes == before { streamEnded = true }
                if input.readableBytes > 0, output.writableBytes > 0 { streamEnded = true }
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                continue
            } catch {
                throw ImportFileError.malformed("the archive is not a readable gzip file (\(error))")
            }
        }
        guard output.readableBytes > 0 else { return nil }
        expandedBytes += Int64(output.readableBytes)
        guard expandedBytes <= maxExpandedBytes else {
            throw ImportFileError.tooLarge("the archive expands to more than \(maxExpandedBytes) bytes, the limit")
        }
        return output
    }

    private func fill() throws -> Bool {
        input.clear()
        guard !fileEnded else { return false }
        guard let chunk = try file.nextChunk() else {
            fileEnded = true
            return false
        }
        input.writeBytes(chunk)
        return true
    }
}
