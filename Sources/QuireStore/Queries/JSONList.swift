import Foundation

/// Short string lists (languages, publishers, an import's CSV cells) stored as JSON text, the same
/// on both engines.
enum JSONList {
    static func encode(_ list: [String]) -> String? {
        guard !list.isEmpty, let data = try? JSONEncoder().encode(list) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The list, or empty when the text is missing or not a list of strings.
    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        if let list = plainList(text) { return list }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return list
    }

    /// A list whose strings hold no escapes (`["en","fr"]`, as every edition's languages are),
    /// read by hand: JSONDecoder cost 4% of a shelf page's CPU for two such lists a book. Nil for
    /// anything else (an escape, a number, a malformed list), which JSONDecoder then reads.
    static func plainList(_ text: String) -> [String]? {
        let bytes = text.utf8
        var index = bytes.startIndex
        func skipSpace() {
            while index != bytes.endIndex {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index = bytes.index(after: index)
                default: return
                }
            }
        }
        func take(_ byte: UInt8) -> Bool {
            guard index != bytes.endIndex, bytes[index] == byte else { return false }
            index = bytes.index(after: index)
            return true
        }
        skipSpace()
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [String] = []
        skipSpace()
        if take(UInt8(ascii: "]")) {
            skipSpace()
            return index == bytes.endIndex ? list : nil
        }
        while true {
            skipSpace()
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index != bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                // An escape or a raw control character: JSONDecoder decides.
                if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 { return nil }
                index = bytes.index(after: index)
            }
            guard index != bytes.endIndex else { return nil }
            list.append(String(text[start..<index]))
            index = bytes.index(after: index)
            skipSpace()
            if take(UInt8(ascii: "]")) { break }
            guard take(UInt8(ascii: ",")) else { return nil }
        }
        skipSpace()
        return index == bytes.endIndex ? list : nil
    }
}
