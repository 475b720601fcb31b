import Foundation
import Hummingbird
import QuireCore

/// `{"items": [...], "next_cursor": "..." | null}`: every list's shape (lesson 5: keyset
/// pagination, never OFFSET).
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Encoded explicitly so the last page says "next_cursor": null rather than omitting it.
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    /// Builds a page from `limit + 1` fetched rows: the extra row only says whether more exist.
    init<Row>(rows: [Row], limit: Int, cursor: (Row) -> Cursor, item: (Row) throws -> Item) rethrows {
        let shown = Array(rows.prefix(limit))
        items = try shown.map(item)
        nextCursor = rows.count > limit ? shown.last.map { cursor($0).encoded() } : nil
    }

    /// As above, leaving out rows `item` has nothing to show for; the cursor still follows the rows.
    init<Row>(rows: [Row], limit: Int, cursor: (Row) -> Cursor, compactItem: (Row) throws -> Item?) rethrows {
        let shown = Array(rows.prefix(limit))
        items = try shown.compactMap(compactItem)
        nextCursor = rows.count > limit ? shown.last.map { cursor($0).encoded() } : nil
    }
}

extension Request {
    /// `?limit=` (default 20, at most 100) and `?cursor=`, or a 400 naming the bad one.
    func pageRequest() throws -> PageRequest {
        let query = uri.queryParameters
        let (limit, cursor) = (try query.one("limit"), try query.one("cursor"))
        do {
            return try PageRequest.parse(limit: limit, cursor: cursor)
        } catch {
            throw APIError.invalid(error.field, error.message)
        }
    }
}

extension PageRequest {
    /// The cursor's single id value, for lists keyed on one id column.
    func afterID() throws -> Int64? {
        guard let cursor else { return nil }
        do { return try cursor.int(0) } catch { throw APIError.invalid("cursor", error.message) }
    }
}

extension Request {
    /// A numeric path parameter, or a 404: an id is plain digits, so `+1`, `1e3` or a number past
    /// Int64 names nothing.
    func id(_ name: String, context: QuireRequestContext, what: String) throws -> Int64 {
        guard let text = context.parameters.get(name), let id = ClientNumber.whole(text, in: 1...Int64.max) else { throw APIError.notFound(what) }
        return id
    }
}
