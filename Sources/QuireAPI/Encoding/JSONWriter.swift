import Foundation
import NIOCore

/// Writes JSON straight into a buffer, for the responses a timeline serves many times a second.
/// Measured on a home page of 100 statuses, Foundation's JSONEncoder (with its snake_case key
/// conversion) was 40% of the request's CPU time; writing the same bytes by hand is a small
/// fraction of that. Keys are written as given (already snake_case), strings escaped per RFC 8259.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// Fields to keep (from `?fields=`), nil for all; applies to the keys of objects nested
    /// `selectionDepth` deep (the status objects of a page).
    let selection: Set<String>?
    let selectionDepth: Int
    private var needsComma: [Bool] = []
    private var skipping = 0

    init(capacity: Int = 4096, selection: Set<String>? = nil, selectionDepth: Int = 1) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        self.selection = selection
        self.selectionDepth = selectionDepth
    }

    var depth: Int { needsComma.count }

    mutating func beginObject() { value { $0.buffer.writeInteger(UInt8(ascii: "{")) }; needsComma.append(false) }
    mutating func endObject() { needsComma.removeLast(); buffer.writeInteger(UInt8(ascii: "}")) }
    mutating func beginArray() { value { $0.buffer.writeInteger(UInt8(ascii: "[")) }; needsComma.append(false) }
    mutating func endArray() { needsComma.removeLast(); buffer.writeInteger(UInt8(ascii: "]")) }

    /// Writes `"key":` and returns whether the caller should write the value (false when the
    /// field selection leaves this top-level field out).
    @discardableResult
    mutating func key(_ key: String) -> Bool {
        if depth == selectionDepth, let selection, !selection.contains(key) { return false }
        let comma = needsComma[needsComma.count - 1]
        var key = key
        // One write for the comma, the quoted key and the colon: a timeline page writes some 600
        // keys, and four ByteBuffer writes each (capacity and uniqueness checks every time) were
        // 8% of its CPU.
        key.withUTF8 { utf8 in
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: utf8.count + 4) { out in
                var at = 0
                if comma { out[at] = UInt8(ascii: ","); at += 1 }
                out[at] = UInt8(ascii: "\""); at += 1
                UnsafeMutableRawBufferPointer(rebasing: out[at..<(at + utf8.count)]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                at += utf8.count
                out[at] = UInt8(ascii: "\""); out[at + 1] = UInt8(ascii: ":")
                return at + 2
            }
        }
        needsComma[needsComma.count - 1] = false
        return true
    }

    mutating func string(_ text: String) {
        var text = text
        let plain = text.withUTF8 { utf8 in
            // Most strings need no escape: then one write, quotes included.
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            value { writer in
                writer.buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: utf8.count + 2) { out in
                    out[0] = UInt8(ascii: "\"")
                    UnsafeMutableRawBufferPointer(rebasing: out[1..<(1 + utf8.count)]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                    out[1 + utf8.count] = UInt8(ascii: "\"")
                    return utf8.count + 2
                }
            }
            return true
        }
        if !plain { escaped(text) }
    }

    private mutating func escaped(_ text: String) {
        value { writer in
            writer.buffer.writeInteger(UInt8(ascii: "\""))
            var start = text.utf8.startIndex
            let utf8 = text.utf8
            var index = start
            while index != utf8.endIndex {
                let byte = utf8[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    writer.buffer.writeBytes(utf8[start..<index])
                    switch byte {
                    case UInt8(ascii: "\""): writer.buffer.writeStaticString("\\\"")
                    case UInt8(ascii: "\\"): writer.buffer.writeStaticString("\\\\")
                    case 0x0A: writer.buffer.writeStaticString("\\n")
                    case 0x0D: writer.buffer.writeStaticString("\\r")
                    case 0x09: writer.buffer.writeStaticString("\\t")
                    default:
                        let hex = Array("0123456789abcdef".utf8)
                        writer.buffer.writeStaticString("\\u00")
                        writer.buffer.writeInteger(hex[Int(byte >> 4)])
                        writer.buffer.writeInteger(hex[Int(byte & 0xF)])
                    }
                    start = utf8.index(after: index)
                }
                index = utf8.index(after: index)
            }
            writer.buffer.writeBytes(utf8[start..<utf8.endIndex])
            writer.buffer.writeInteger(UInt8(ascii: "\""))
        }
    }

    mutating func string(_ text: String?) { if let text { string(text) } else { null() } }
    /// Digits written straight into the buffer, as `date` is: a page writes a few hundred numbers.
    mutating func int(_ number: Int64) {
        value { writer in
            writer.buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 20) { out in
                // At most 19 digits and a sign; the magnitude, unlike the negation, can't trap.
                var magnitude = number.magnitude
                var digits = 0
                repeat {
                    digits += 1
                    magnitude /= 10
                } while magnitude > 0
                let length = digits + (number < 0 ? 1 : 0)
                if number < 0 { out[0] = UInt8(ascii: "-") }
                magnitude = number.magnitude
                for index in stride(from: length - 1, through: length - digits, by: -1) {
                    out[index] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                    magnitude /= 10
                }
                return length
            }
        }
    }
    mutating func int(_ number: Int64?) { if let number { int(number) } else { null() } }
    mutating func int(_ number: Int?) { if let number { int(Int64(number)) } else { null() } }
    mutating func double(_ number: Double?) {
        guard let number, number.isFinite else { return null() }
        value { $0.buffer.writeString(number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)) }
    }
    mutating func bool(_ flag: Bool) { value { $0.buffer.writeStaticString(flag ? "true" : "false") } }
    mutating func null() { value { $0.buffer.writeStaticString("null") } }
    mutating func date(_ date: Date?) {
        guard let date else { return null() }
        value { writer in
            writer.buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: ISO8601Time.length + 2) { out in
                out[0] = UInt8(ascii: "\"")
                let length = ISO8601Time.write(date, to: UnsafeMutableRawBufferPointer(rebasing: out[1...]))
                out[length + 1] = UInt8(ascii: "\"")
                return length + 2
            }
        }
    }

    /// Whether every field of the object being written is kept (no `?fields=` applies at this depth).
    var keepsEveryField: Bool { selection == nil || depth != selectionDepth }

    /// Writes fields made before by `fields(_:)`, as the object's next fields.
    mutating func fields(_ fields: ByteBuffer) {
        guard fields.readableBytes > 0 else { return }
        var fields = fields
        if needsComma[needsComma.count - 1] { buffer.writeInteger(UInt8(ascii: ",")) }
        buffer.writeBuffer(&fields)
        needsComma[needsComma.count - 1] = true
    }

    /// Writes a whole value made before by `made(_:)` (an object, with its braces).
    mutating func made(_ json: ByteBuffer) {
        var json = json
        value { $0.buffer.writeBuffer(&json) }
    }

    /// A whole value as `write` writes it, every field: for `made(_:)`.
    static func made(capacity: Int = 256, _ write: (inout JSONWriter) -> Void) -> ByteBuffer {
        var w = JSONWriter(capacity: capacity)
        write(&w)
        return w.buffer
    }

    /// The fields `write` writes, every one, without the object's braces: for `fields(_:)`.
    static func fields(capacity: Int = 512, _ write: (inout JSONWriter) -> Void) -> ByteBuffer {
        var w = JSONWriter(capacity: capacity)
        w.needsComma = [false]
        write(&w)
        return w.buffer
    }

    /// Writes a value in an array (with its comma) or after a key.
    private mutating func value(_ write: (inout JSONWriter) -> Void) {
        comma()
        write(&self)
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
    }

    private mutating func comma() {
        if let last = needsComma.last, last { buffer.writeInteger(UInt8(ascii: ",")) }
    }
}
