import Foundation
import PostgresKit

/// Where Quire's data lives, parsed from `sqlite:///path/quire.sqlite` or `postgres://user:pass@host:port/db`.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLite = DatabaseURL.sqlite(path: "./quire.sqlite")

    public init(parsing text: String) throws(DatabaseError) {
        if text.hasPrefix("sqlite:") {
            // `sqlite:///abs/path` keeps its leading slash; `sqlite://./rel` and `sqlite:rel` are relative.
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else {
                throw .badConfiguration("database URL \(text) names no file (expected sqlite:///path/quire.sqlite)")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard (try? SQLPostgresConfiguration(url: text)) != nil, URL(string: text)?.host != nil else {
                throw .badConfiguration("database URL is not a valid postgres:// URL (expected postgres://user:pass@host:port/db)")
            }
            self = .postgres(url: text)
        } else {
            throw .badConfiguration("database URL must start with sqlite:// or postgres:// (got \(Self.redacted(text)))")
        }
    }

    public var engine: DatabaseEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The URL without its password, for logs and error messages.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }
}

/// The two engines Quire runs on; queries switch on this where the dialects differ.
public enum DatabaseEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}
