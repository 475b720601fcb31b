import Foundation

/// A posted `application/x-www-form-urlencoded` body. A field named twice keeps its first value;
/// a body that isn't valid percent-encoding is a 400 page, and so is a field holding U+0000, as
/// the API refuses it in JSON: neither engine stores it whole (PostgreSQL refuses it outright,
/// even as a value only looked up, such as a username signing in).
struct WebForm: Sendable {
    private var fields: [String: String] = [:]

    init(body: String) throws {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw WebError(.badRequest, "The form could not be read.")
            }
            guard !value.utf8.contains(0), !name.utf8.contains(0) else {
                throw WebError(.badRequest, "\(name.utf8.contains(0) ? "A field's name" : name): must not contain the NUL character (U+0000)")
            }
            if fields[name] == nil { fields[name] = value }
        }
    }

    init(_ fields: [String: String]) { self.fields = fields }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field, or nil when it is absent or empty: an empty optional input means "not given".
    func nonEmpty(_ name: String) -> String? {
        guard let value = fields[name], !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
