/// JSON tokens straight to a file, spelled as Python's `json.dumps` spells them with its
/// defaults (BookWyrm writes archive.json that way): one line, `", "` and `": "` between
/// tokens, and every character outside printable ASCII escaped (`\u00e9`, emoji as a
/// surrogate pair), so the file is plain ASCII whatever the reader wrote.
final class ArchiveJSONWriter {
    private let out: BufferedFileWriter
    /// One entry per open object or array: whether its next member is its first.
    private var firstInContainer: [Bool] = []
    private var afterKey = false
    private var scratch: [UInt8] = []

    init(out: BufferedFileWriter) {
        self.out = out
    }

    func openObject() throws { try open("{") }
    func closeObject() throws { try close("}") }
    func openArray() throws { try open("[") }
    func closeArray() throws { try close("]") }

    func key(_ name: String) throws {
        try separate()
        try writeQuoted(name)
        try out.write(": ")
        afterKey = true
    }

    func string(_ value: String?) throws {
        try separate()
        if let value { try writeQuoted(value) } else { try out.write("null") }
    }

    func int(_ value: Int64?) throws {
        try separate()
        try out.write(value.map { String($0) } ?? "null")
    }

    func bool(_ value: Bool) throws {
        try separate()
        try out.write(value ? "true" : "false")
    }

    /// A number already spelled as JSON (e.g. `4.5`), or null.
    func number(_ literal: String?) throws {
        try separate()
        try out.write(literal ?? "null")
    }

    func field(_ name: String, _ value: String?) throws {
        try key(name)
        try string(value)
    }

    func field(_ name: String, _ value: Int64?) throws {
        try key(name)
        try int(value)
    }

    func field(_ name: String, _ value: Bool) throws {
        try key(name)
        try bool(value)
    }

    func field(_ name: String, strings: [String]) throws {
        try key(name)
        try openArray()
        for value in strings { try string(value) }
        try closeArray()
    }

    func emptyArrayField(_ name: String) throws {
        try field(name, strings: [])
    }

    private func open(_ bracket: String) throws {
        try separate()
        try out.write(bracket)
        firstInContainer.append(true)
    }

    private func close(_ bracket: String) throws {
        firstInContainer.removeLast()
        try out.write(bracket)
    }

    /// Writes the comma before a value unless it is the first in its container or follows a key.
    private func separate() throws {
        if afterKey {
            afterKey = false
            return
        }
        guard let first = firstInContainer.last else { return }
        if first {
            firstInContainer[firstInContainer.count - 1] = false
        } else {
            try out.write(", ")
        }
    }

    /// Most strings (URLs, keys, plain titles) need no escaping and are copied whole; the rest
    /// are escaped into a reused scratch buffer, then written at once.
    private func writeQuoted(_ text: String) throws {
        var text = text
        let plain = text.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0x22)
        if plain {
            text.withUTF8 { scratch.append(contentsOf: $0) }
        } else {
            for scalar in text.unicodeScalars { escape(scalar) }
        }
        scratch.append(0x22)
        try out.write(scratch)
    }

    private func escape(_ scalar: Unicode.Scalar) {
        switch scalar {
        case "\"": scratch.append(contentsOf: [0x5C, 0x22])
        case "\\": scratch.append(contentsOf: [0x5C, 0x5C])
        case "\n": scratch.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case "\r": scratch.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case "\t": scratch.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case "\u{08}": scratch.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case "\u{0C}": scratch.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case " "..."~": scratch.append(UInt8(scalar.value))
        default:
            if scalar.value > 0xFFFF {
                let offset = scalar.value - 0x10000
                appendEscape(0xD800 + (offset >> 10))
                appendEscape(0xDC00 + (offset & 0x3FF))
            } else {
                appendEscape(scalar.value)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `\uXXXX` in lower-case hex, as Python writes it.
    private func appendEscape(_ unit: UInt32) {
        scratch.append(contentsOf: [
            0x5C, UInt8(ascii: "u"),
            Self.hexDigits[Int(unit >> 12 & 0xF)], Self.hexDigits[Int(unit >> 8 & 0xF)],
            Self.hexDigits[Int(unit >> 4 & 0xF)], Self.hexDigits[Int(unit & 0xF)],
        ])
    }
}
