/// JSON tokens straight to a file, spelled as Python's `json.dumps` spells them with its
/// defaults (BookWyrm writes archive.json that way): one line, `", "` and `": "` between
/// tokens, and every character outside printable ASCII escaped (`\u00e9`, emoji as a
/// surrogate pair), so the file is plain ASCII whatever the reader wrote.
final class ArchiveJSONWriter {
    private let out: BufferedFileWriter
    /// One entry per open object or array: whether its next member is its first.
    private var firstInContainer: [Bool] = []
    private var afterKey = false

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
        try out.write(": ".utf8)
        afterKey = true
    }

    func string(_ value: String?) throws {
        try separate()
        if let value { try writeQuoted(value) } else { try out.write("null".utf8) }
    }

    func int(_ value: Int64?) throws {
        try separate()
        try out.write((value.map { String($0) } ?? "null").utf8)
    }

    func bool(_ value: Bool) throws {
        try separate()
        try out.write((value ? "true" : "false").utf8)
    }

    /// A number already spelled as JSON (e.g. `4.5`), or null.
    func number(_ literal: String?) throws {
        try separate()
        try out.write((literal ?? "null").utf8)
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
        try out.write(bracket.utf8)
        firstInContainer.append(true)
    }

    private func close(_ bracket: String) throws {
        firstInContainer.removeLast()
        try out.write(bracket.utf8)
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
            try out.write(", ".utf8)
        }
    }

    private func writeQuoted(_ text: String) throws {
        try out.write(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": try out.write(#"\""#.utf8)
            case "\\": try out.write(#"\\"#.utf8)
            case "\n": try out.write(#"\n"#.utf8)
            case "\r": try out.write(#"\r"#.utf8)
            case "\t": try out.write(#"\t"#.utf8)
            case "\u{08}": try out.write(#"\b"#.utf8)
            case "\u{0C}": try out.write(#"\f"#.utf8)
            case " "..."~": try out.write(UInt8(scalar.value))
            default:
                if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    try writeEscape(0xD800 + (offset >> 10))
                    try writeEscape(0xDC00 + (offset & 0x3FF))
                } else {
                    try writeEscape(scalar.value)
                }
            }
        }
        try out.write(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `\uXXXX` in lower-case hex, as Python writes it.
    private func writeEscape(_ unit: UInt32) throws {
        try out.write([
            UInt8(ascii: "\\"), UInt8(ascii: "u"),
            Self.hexDigits[Int(unit >> 12 & 0xF)], Self.hexDigits[Int(unit >> 8 & 0xF)],
            Self.hexDigits[Int(unit >> 4 & 0xF)], Self.hexDigits[Int(unit & 0xF)],
        ])
    }
}
