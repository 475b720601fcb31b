import CSV
import Foundation

/// Rows to a new file through CSV.swift's `CSVWriter`, which does the quoting (a field holding
/// a quote, the delimiter or a line break is quoted, quotes doubled).
///
/// `CSVWriter` writes one byte per `OutputStream.write` call, which against a file stream would
/// be one system call per byte; and it writes each line break before the next row, so it can't
/// be given a fresh memory stream per batch. So it keeps one stream for the whole file, a small
/// subclass that hands the bytes to a `BufferedFileWriter`, and the file's last line break is
/// written here on close (Goodreads' and Python's CSV files end with one).
final class CSVFileWriter {
    private let file: BufferedFileWriter
    private let stream: ForwardingOutputStream
    private let writer: CSVWriter
    private let newline: String

    init(path: String, newline: CSVWriter.Newline) throws {
        let file = try BufferedFileWriter(path: path)
        do {
            stream = ForwardingOutputStream(file: file)
            writer = try CSVWriter(stream: stream, newline: newline)
        } catch {
            file.abandon()
            throw ExportWriterError.io("cannot start CSV at \(path): \(error)")
        }
        self.file = file
        self.newline = newline == .crlf ? "\r\n" : "\n"
    }

    func write(row: [String]) throws {
        do {
            try writer.write(row: row)
        } catch {
            throw stream.failure ?? ExportWriterError.io("cannot write \(file.path): \(error)")
        }
        if let failure = stream.failure { throw failure }
    }

    func close() throws {
        try file.write(newline)
        try file.close()
    }

    func abandon() {
        file.abandon()
    }
}

/// An OutputStream that passes every byte to a buffered file. `CSVWriter` only opens it and
/// calls `write`, whose result can't carry an error, so a failed flush is kept for the caller.
private final class ForwardingOutputStream: OutputStream {
    private let file: BufferedFileWriter
    private(set) var failure: Error?

    init(file: BufferedFileWriter) {
        self.file = file
        super.init(toMemory: ())
    }

    @available(*, unavailable, message: "a ForwardingOutputStream writes to a file")
    required init(toMemory: ()) {
        fatalError("unavailable")
    }

    override func open() {}
    override func close() {}
    override var streamStatus: Stream.Status { .open }
    override var hasSpaceAvailable: Bool { true }

    override func write(_ buffer: UnsafePointer<UInt8>, maxLength length: Int) -> Int {
        guard failure == nil else { return -1 }
        do {
            try file.write(UnsafeBufferPointer(start: buffer, count: length))
            return length
        } catch {
            failure = error
            return -1
        }
    }
}
