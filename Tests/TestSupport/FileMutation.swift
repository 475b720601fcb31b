import CompressNIO
import Foundation
import NIOCore
import QuireStore

/// Seeded random damage to a file, as a broken or hostile export would bring it: the import
/// readers' tests (QuireExchangeTests) and the uploads' (QuireAPITests) share it.
public enum FileMutation {
    /// Values that have broken parsers: numbers past every width, dates past the calendar,
    /// separators, quotes, escapes and markup.
    public static let tokens: [String] = [
        "", "0", "-0", "-1", "1e308", "-1e308", "1e-308", "NaN", "Infinity", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "99999999999999999999", "4.99999999999999999", "5.5", "11", "2147483648",
        "9999-12-31", "0000-00-00", "2023-02-30", "99999-01-01", "2023/13/45", "-2023-01-01", "+275760-09-13T00:00:00Z",
        "0101-01-01T00:00:00+00:00", "2023-01-01T00:00:00.000|", "2023/02/01-", "-2023/02/01", "\u{0}", "\"", "\"\"", "\r",
        "\n", ",", "\t", "|", ";", "|||;|||", "[", "]", "[]", "{", "}", "{}", "null", "true", "isbn:", "=\"9780441172719\"",
        "978", "97804411727190000", "0-306-40615-X", "X", String(repeating: "9", count: 400), "é", "\u{FEFF}", "\u{FFFD}",
        "<p>", "<", ">", "&amp;", "&#99999999999;", "&#x110000;", "&#xD800;", "&#0;", "&", "\\u0000", "\\ud800", "\\",
        "/works/", "OL", "OL99999999999999999999W", "https://", "../../", "@", "ustar", String(repeating: "<", count: 2000),
    ]

    /// Damages `bytes` in `rounds` random edits: a byte changed, a run deleted or copied
    /// elsewhere, the file cut short, a line repeated, a token replaced by a hostile one.
    public static func mutate(_ bytes: inout [UInt8], rounds: Int, using random: inout SeedRandom) {
        for _ in 0..<rounds {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where !bytes.isEmpty:
                bytes[at] = [0x00, 0xFF, 0x80, 0xC3, 0x22, 0x2C, 0x0A, 0x0D, 0x5C, 0x7B, 0x3C, UInt8.random(in: 0...255, using: &random)]
                    .randomElement(using: &random)!
            case 1:
                bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...600, using: &random)))
            case 2 where !bytes.isEmpty:
                let from = Int.random(in: 0..<bytes.count, using: &random)
                let run = Array(bytes[from..<min(bytes.count, from + Int.random(in: 1...600, using: &random))])
                bytes.insert(contentsOf: run, at: at)
            case 3:
                bytes.removeSubrange(at..<bytes.count)
            case 4 where bytes.count < 32_768:
                // A line repeated: many rows of the same shape (while the file is small: repeated
                // rounds of it would grow the file by powers).
                let start = bytes[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
                let line = Array(bytes[start..<end])
                for _ in 0..<Int.random(in: 1...20, using: &random) { bytes.insert(contentsOf: line, at: end) }
            default:
                // A token between separators replaced by a hostile one.
                let separators: Set<UInt8> = [0x2C, 0x09, 0x0A, 0x22, 0x7C, 0x3B, 0x3A, 0x2F, 0x2D, 0x20, 0x7B, 0x7D, 0x5B, 0x5D, 0x3C, 0x3E]
                let start = bytes[..<at].lastIndex(where: separators.contains).map { $0 + 1 } ?? 0
                let end = bytes[at...].firstIndex(where: separators.contains) ?? bytes.count
                bytes.replaceSubrange(start..<max(start, end), with: Array(tokens.randomElement(using: &random)!.utf8))
            }
        }
    }

    // MARK: - Archives

    public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        return Array(try buffer.compress(with: .gzip()).readableBytesView)
    }

    public static func tar(of gzipPath: String) throws -> [UInt8] {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: gzipPath)))
        return Array(try buffer.decompress(with: .gzip()).readableBytesView)
    }

    /// archive.json's bytes, found in the tar by its ustar header.
    public static func archiveJSON(inTar tar: [UInt8]) throws -> [UInt8] {
        var offset = 0
        while offset + 512 <= tar.count {
            let header = tar[offset..<offset + 512]
            let name = String(decoding: header.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
            let size = Int(String(decoding: header.dropFirst(124).prefix(11), as: UTF8.self), radix: 8) ?? 0
            if name.hasSuffix("archive.json") { return Array(tar[offset + 512..<offset + 512 + size]) }
            offset += 512 + (size + 511) / 512 * 512
        }
        throw TestSetupError("the tar holds no archive.json")
    }

    // MARK: - JSON

    /// The JSON with every number value replaced by `number`, written as it is
    /// (JSONSerialization would round it); strings stay, so the entries still decode.
    public static func replacingNumbers(in json: [UInt8], with number: String) throws -> [UInt8] {
        let placeholder = "quire-number-placeholder"
        func replace(_ value: Any) -> Any {
            switch value {
            case is Bool: value
            case is NSNumber: placeholder
            case let array as [Any]: array.map(replace)
            case let object as [String: Any]: object.mapValues(replace)
            default: value
            }
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: replace(try JSONSerialization.jsonObject(with: Data(json)))), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\"\(placeholder)\"", with: number).utf8)
    }

    /// The JSON with every string value (not key) replaced by `text`.
    public static func replacingStrings(in json: [UInt8], with text: String) throws -> [UInt8] {
        func replace(_ value: Any) -> Any {
            switch value {
            case is String: text
            case let array as [Any]: array.map(replace)
            case let object as [String: Any]: object.mapValues(replace)
            default: value
            }
        }
        return Array(try JSONSerialization.data(withJSONObject: replace(try JSONSerialization.jsonObject(with: Data(json)))))
    }

    /// The JSON's values that are not objects, arrays or booleans: strings, numbers and nulls,
    /// counted in the order `replacingLeaf` counts them (keys sorted).
    public static func leafCount(in json: [UInt8]) throws -> Int {
        func count(_ value: Any) -> Int {
            switch value {
            case is Bool: 0
            case let array as [Any]: array.reduce(0) { $0 + count($1) }
            case let object as [String: Any]: object.keys.sorted().reduce(0) { $0 + count(object[$1]!) }
            default: 1
            }
        }
        return count(try JSONSerialization.jsonObject(with: Data(json)))
    }

    /// The JSON with its `index`th leaf (see `leafCount`) replaced by `token`, a JSON value as
    /// written (a number JSONSerialization would round stays as it is): one field made hostile
    /// while the rest stay valid, so the entry still reaches whatever checks that field.
    public static func replacingLeaf(in json: [UInt8], at index: Int, with token: String) throws -> [UInt8] {
        let placeholder = "quire-leaf-placeholder"
        var seen = 0
        func replace(_ value: Any) -> Any {
            switch value {
            case is Bool: return value
            case let array as [Any]: return array.map(replace)
            case let object as [String: Any]:
                var replaced: [String: Any] = [:]
                for key in object.keys.sorted() { replaced[key] = replace(object[key]!) }
                return replaced
            default:
                seen += 1
                return seen - 1 == index ? placeholder : value
            }
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: replace(try JSONSerialization.jsonObject(with: Data(json)))), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\"\(placeholder)\"", with: token).utf8)
    }

    /// `text` as a JSON string literal.
    public static func jsonString(_ text: String) throws -> String {
        String(String(decoding: try JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast())
    }
}
