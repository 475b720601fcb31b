import Foundation

/// Bytes to a new file through a fixed buffer, so an export costs one write call per 64 KiB
/// whatever the size of the rows that fill it.
final class BufferedFileWriter {
    static let bufferSize = 64 * 1024

    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    /// Creates (or truncates) the file at `path`.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportWriterError.io("cannot create \(path)")
        }
        self.path = path
        self.handle = handle
        buffer.reserveCapacity(Self.bufferSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ExportWriterError.io("cannot write \(path): \(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file.
    func close() throws {
        try flush()
        do {
            try handle.close()
        } catch {
            throw ExportWriterError.io("cannot close \(path): \(error)")
        }
    }

    /// Closes the file without writing what is buffered, and removes it.
    func abandon() {
        buffer.removeAll()
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
