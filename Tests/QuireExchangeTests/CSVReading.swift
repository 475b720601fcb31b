import CSV
import Foundation
import Testing

/// A CSV file as CSV.swift's reader sees it: the header row and each row keyed by column.
/// Read from a string: on Linux, CSVReader over a file InputStream reports `cannotReadFile` at the
/// end of any file (Foundation's file stream claims bytes are available at EOF).
struct ReadCSV {
    let header: [String]
    let rows: [[String: String]]
    let raw: String

    init(path: String) throws {
        raw = try String(contentsOfFile: path, encoding: .utf8)
        let reader = try CSVReader(string: raw, hasHeaderRow: true)
        let header = try #require(reader.headerRow)
        var rows: [[String: String]] = []
        while let row = reader.next() {
            #expect(row.count == header.count, "a row has \(row.count) cells, the header \(header.count)")
            rows.append(Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first }))
        }
        #expect(reader.error == nil)
        self.header = header
        self.rows = rows
    }
}
