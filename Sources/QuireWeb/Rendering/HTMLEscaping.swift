import Mustache

/// How pages escape every `{{value}}`: the same five characters as swift-mustache's own HTML
/// escaping (`&`, `<`, `>`, `"`, `'`, with the same entities), read as UTF-8 bytes rather than
/// looked up a `Character` at a time in a dictionary, and no copy when nothing needs escaping
/// (most values: numbers, names, dates). The library's escaping was about a twentieth of a home
/// page's CPU. One difference: a `<` followed by a combining mark is one `Character` that the
/// library's lookup missed, so it stayed `<`; here it is escaped.
struct PageHTMLEscaping: MustacheContentType {
    /// The `CONTENT_TYPE` pragma's name for it; `PageRenderer` starts every template with the pragma.
    static let name = "QUIRE_HTML"
    static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"

    func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: Self.needsEscaping) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): escaped.append(contentsOf: "&#39;".utf8)
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }
}
