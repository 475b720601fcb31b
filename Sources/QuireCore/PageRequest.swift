/// The `limit` and `cursor` query parameters of a list endpoint, checked.
public struct PageRequest: Sendable {
    /// How many items to return, from 1 to ``maxLimit``.
    public let limit: Int
    /// Where to resume; nil for the first page.
    public let cursor: Cursor?

    public static let defaultLimit = 20, maxLimit = 100

    public init(limit: Int = PageRequest.defaultLimit, cursor: Cursor? = nil) {
        self.limit = limit
        self.cursor = cursor
    }

    /// Parses the raw query values. A missing or empty value means the default, so clients may
    /// send `cursor=` on the first page.
    public static func parse(limit: String?, cursor: String?) throws(PageRequestError) -> PageRequest {
        var parsedLimit = defaultLimit
        if let limit, !limit.isEmpty {
            guard let number = ClientNumber.whole(limit, in: 1...Int64(maxLimit)).map(Int.init) else {
                throw PageRequestError(field: "limit", message: "must be a whole number from 1 to \(maxLimit)")
            }
            parsedLimit = number
        }
        var parsedCursor: Cursor?
        if let cursor, !cursor.isEmpty {
            do {
                parsedCursor = try Cursor(decoding: cursor)
            } catch {
                throw PageRequestError(field: "cursor", message: "must be the next_cursor from a previous page")
            }
        }
        return PageRequest(limit: parsedLimit, cursor: parsedCursor)
    }
}

/// A bad paging parameter: `field` names the query parameter, and `message` says what it must be
/// without repeating the field name, ready for `APIError.invalid(field, message)`.
public struct PageRequestError: Error, Sendable, Equatable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
