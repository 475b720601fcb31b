import Hummingbird
import QuireStore

/// The pure, per-request work of list endpoints, public only so Benchmarks/Micro (a separate
/// package, outside the default build) can measure it without a server or a database. Each runs
/// the same code the endpoint runs.
public enum MicroBenchmarkEntryPoints {
    /// `GET /v1/shelves/{id}/books` from its fetched rows: `rows` holds `limit + 1` rows when a
    /// next page exists, `fields` is the `?fields=` text.
    public static func shelfBooksPage(_ rows: [ShelvedBook], authors: [Int64: [AuthorRecord]], limit: Int, fields: String? = nil) throws -> Response {
        let selection = try FieldSelection.parse(fields, for: ShelvedBookResponse.self)
        return ShelvedBookResponse.page(rows, authors: authors, limit: limit, selection: selection)
    }

    /// A home timeline page (`GET /v1/timelines/home` and every status list) from its loaded
    /// `StatusPage`, whose `statuses` hold `limit + 1` rows when a next page exists.
    public static func statusPage(_ page: StatusPage, limit: Int, fields: String? = nil) throws -> Response {
        try StatusPageResponse.response(page, limit: limit, selection: try FieldSelection.parse(fields, for: StatusResponse.self))
    }

    /// Parses `?fields=` against a shelf book's fields; returns how many were selected (nil: all).
    public static func shelfBookFieldSelection(_ fields: String) throws -> Int? {
        try FieldSelection.parse(fields, for: ShelvedBookResponse.self).names?.count
    }
}
