import Foundation

/// Walks the JSON object at the top of a file member by member without holding it: a member's
/// value is handed over as its bytes (for JSONDecoder), or, for a big list such as `books`, an
/// element at a time. It tracks only what it must to find where a value ends: nesting depth,
/// strings and their escapes. Values longer than a limit are skipped, not held.
final class JSONObjectScanner {
    enum Element {
        case value([UInt8])
        /// Longer than the limit: skipped.
        case tooLarge
    }

    private let source: ChunkedFileReader
    /// The longest string (in bytes, quotes and escapes included) of the last value read, so a
    /// book holding one text over the field limit can fail on its own.
    private(set) var longestString = 0

    init(source: ChunkedFileReader) {
        self.source = source
    }

    /// Reads up to the object's opening brace; throws when the file holds no JSON object.
    func begin() throws {
        guard try nextSignificant() == UInt8(ascii: "{") else {
            throw ImportFileError.malformed("archive.json is not a JSON object, so not BookWyrm's account export")
        }
    }

    /// The next member's key, leaving the scanner before its value; nil after the closing brace.
    func nextKey() throws -> String? {
        var byte = try nextSignificant()
        if byte == UInt8(ascii: ",") { byte = try nextSignificant() }
        if byte == UInt8(ascii: "}") { return nil }
        guard byte == UInt8(ascii: "\"") else { throw broken() }
        var bytes: [UInt8] = [byte ?? 0]
        try string(into: &bytes, limit: 4096)
        guard try nextSignificant() == UInt8(ascii: ":") else { throw broken() }
        return (try? JSONDecoder().decode([String].self, from: Data([UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")])).first) ?? ""
    }

    /// The value's bytes, or `.tooLarge` when longer than `limit`.
    func value(limit: Int) throws -> Element {
        var bytes: [UInt8] = []
        var fits = true
        longestString = 0
        try skipWhitespace()
        try value(into: &bytes, fits: &fits, limit: limit)
        return fits ? .value(bytes) : .tooLarge
    }

    /// Enters the value if it is a list (true), else leaves it for `value(limit:)`.
    func beginArray() throws -> Bool {
        try skipWhitespace()
        guard try source.peek() == UInt8(ascii: "[") else { return false }
        _ = try source.next()
        return true
    }

    /// The list's next element; nil after its closing bracket.
    func nextElement(limit: Int) throws -> Element? {
        try skipWhitespace()
        if try source.peek() == UInt8(ascii: ",") {
            _ = try source.next()
            try skipWhitespace()
        }
        if try source.peek() == UInt8(ascii: "]") {
            _ = try source.next()
            return nil
        }
        return try value(limit: limit)
    }

    private func value(into bytes: inout [UInt8], fits: inout Bool, limit: Int) throws {
        guard let first = try source.next() else { throw broken() }
        func keep(_ byte: UInt8) {
            if fits { bytes.append(byte) }
            if bytes.count > limit {
                fits = false
                bytes = []
            }
        }
        keep(first)
        switch first {
        case UInt8(ascii: "\""):
            try string(into: &bytes, fits: &fits, limit: limit)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 1
            while depth > 0 {
                guard let byte = try source.next() else { throw broken() }
                keep(byte)
                switch byte {
                case UInt8(ascii: "\""): try string(into: &bytes, fits: &fits, limit: limit)
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
            }
        default:
            while let byte = try source.peek(), !Self.endsScalar(byte) {
                _ = try source.next()
                keep(byte)
            }
        }
    }

    /// After an opening quote, up to and including the closing one.
    private func string(into bytes: inout [UInt8], limit: Int) throws {
        var fits = true
        try string(into: &bytes, fits: &fits, limit: limit)
        guard fits else { throw ImportFileError.malformed("archive.json has a key longer than \(limit) bytes") }
    }

    private func string(into bytes: inout [UInt8], fits: inout Bool, limit: Int) throws {
        var escaped = false
        var length = 1
        let start = bytes.count
        defer { longestString = max(longestString, length) }
        while let byte = try source.next() {
            length += 1
            if fits {
                bytes.append(byte)
                if bytes.count > limit {
                    fits = false
                    bytes = []
                }
            }
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                if fits { Self.replaceNULEscapes(in: &bytes, from: start) }
                return
            }
        }
        throw broken()
    }

    /// `\u0000` in a string becomes `\ufffd` (the same length), as a NUL byte in a CSV field
    /// becomes U+FFFD (`TextDecoding`): every value handed over is decoded by JSONDecoder, and
    /// PostgreSQL can't store the NUL it would make.
    static func replaceNULEscapes(in bytes: inout [UInt8], from start: Int) {
        let zero = UInt8(ascii: "0")
        var index = start
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if bytes[index + 1] == UInt8(ascii: "u"), index + 5 < bytes.count, bytes[(index + 2)...(index + 5)].allSatisfy({ $0 == zero }) {
                bytes.replaceSubrange((index + 2)...(index + 5), with: Array("fffd".utf8))
            }
            index += 2
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20 || byte == 0x0A
            || byte == 0x0D || byte == 0x09
    }

    private func skipWhitespace() throws {
        while let byte = try source.peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { _ = try source.next() }
    }

    private func nextSignificant() throws -> UInt8? {
        try skipWhitespace()
        return try source.next()
    }

    private func broken() -> ImportFileError {
        .malformed("archive.json is not valid JSON (near byte \(source.offset))")
    }
}
