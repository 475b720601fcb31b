import Foundation
@testable import QuireExchange
import Testing

/// 2024-06-01T00:00:00Z, the `now` the import tests read with.
let importNow: Int64 = 1_717_200_000_000_000

/// An import file written for one test, in its own temporary directory.
struct ImportFile: ~Copyable {
    let directory: TemporaryDirectory
    let path: String

    init(_ text: String, name: String = "import.csv") throws {
        try self.init(bytes: Array(text.utf8), name: name)
    }

    init(bytes: [UInt8], name: String = "import.csv") throws {
        let directory = try TemporaryDirectory()
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        self.directory = directory
        self.path = path
    }

    /// Every row of the file read as `format`, and the reader (for its header and account).
    func read(_ format: ImportFormat, limits: ImportLimits = ImportLimits()) throws -> (rows: [ImportRow], reader: any ImportReader) {
        let reader = try ImportFiles.open(format, path: path, limits: limits, now: importNow)
        var rows: [ImportRow] = []
        while let row = try reader.next() { rows.append(row) }
        return (rows, reader)
    }

    func rows(_ format: ImportFormat, limits: ImportLimits = ImportLimits()) throws -> [ImportRow] {
        try read(format, limits: limits).rows
    }
}

/// Midnight UTC of a day, as shelvings and statuses carry it.
func midnight(_ day: String) -> Int64 {
    ImportDate.microseconds(day: day) ?? -1
}

/// A CSV line from cells, quoted as a spreadsheet would.
func csvLine(_ cells: [String]) -> String {
    cells.map { cell in
        cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }.joined(separator: ",") + "\n"
}

extension ImportRow {
    /// The book of a row expected to read cleanly.
    func requireBook(sourceLocation: SourceLocation = #_sourceLocation) throws -> ImportedBook {
        #expect(problem == nil, "row \(number): \(problem ?? "")", sourceLocation: sourceLocation)
        return try #require(book, sourceLocation: sourceLocation)
    }
}

extension ImportedBook {
    var defaultShelf: DefaultShelfName? { shelvings.lazy.compactMap(\.defaultShelf).first.map { DefaultShelfName($0.rawValue) } }
    var customShelves: [String] { shelvings.compactMap(\.customName) }
    var rating: Int? { statuses.last { $0.kind == .review && $0.rating != nil }?.rating }
}

/// A default shelf's identifier, so expectations read `"read"`.
struct DefaultShelfName: Equatable, ExpressibleByStringLiteral, CustomStringConvertible {
    let value: String
    init(_ value: String) { self.value = value }
    init(stringLiteral value: String) { self.value = value }
    var description: String { value }
}
