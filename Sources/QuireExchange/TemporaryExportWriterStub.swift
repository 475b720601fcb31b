// TEMPORARY: replaced by the format writers from branch exchange-formats before commit.
import Foundation

public protocol AccountExportWriter: AnyObject {
    func begin(profile: ExchangeProfile) throws
    func append(books: [ExchangeBook]) throws
    func append(follows: [String]) throws
    func append(blocks: [String]) throws
    func finish() throws
    func discard()
}

public enum ExportFormat: String, Sendable, CaseIterable {
    case bookwyrm, bookwyrmCSV = "bookwyrm-csv", goodreads
    public var fileExtension: String { self == .bookwyrm ? "tar.gz" : "csv" }
    public var contentType: String { self == .bookwyrm ? "application/gzip" : "text/csv; charset=utf-8" }
}

final class StubWriter: AccountExportWriter {
    let path: String
    var lines: [String] = []
    init(path: String) { self.path = path }
    func begin(profile: ExchangeProfile) throws { lines.append(profile.username) }
    func append(books: [ExchangeBook]) throws { lines += books.map(\.edition.title) }
    func append(follows: [String]) throws { lines += follows }
    func append(blocks: [String]) throws { lines += blocks }
    func finish() throws { try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8) }
    func discard() { try? FileManager.default.removeItem(atPath: path) }
}

public func makeExportWriter(_ format: ExportFormat, path: String, publicURL: String) throws -> any AccountExportWriter {
    StubWriter(path: path)
}
