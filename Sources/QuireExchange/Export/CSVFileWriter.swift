/// Rows to a new file as `CSVLine` writes them.
final class CSVFileWriter {
    private let file: BufferedFileWriter
    private let newline: String
    private var row: [UInt8] = []

    init(path: String, newline: String) throws {
        file = try BufferedFileWriter(path: path)
        self.newline = newline
    }

    func write(row fields: [String]) throws {
        row.removeAll(keepingCapacity: true)
        CSVLine.append(fields, newline: newline, to: &row)
        try file.write(row)
    }

    func close() throws {
        try file.close()
    }

    func abandon() {
        file.abandon()
    }
}
