import Foundation

/// An opaque position in a keyset-paginated list: the sort-key values of the last row of a page,
/// handed to the client as `next_cursor` and given back to fetch the page after it.
///
/// The check appended to the payload is not a secret-keyed MAC and does not need to be: a cursor
/// only says where to resume, and every query still applies the caller's own permissions. It
/// exists so a hand-edited or cut-off cursor is refused with a clear 400 instead of quietly
/// returning a strange page.
public struct Cursor: Sendable, Equatable {
    /// Sort-key values in the order the query compares them, e.g. `[.int(createdAt), .int(id)]`.
    public let values: [CursorValue]

    /// Longest text ``init(decoding:)`` accepts, so that huge query strings are refused before any
    /// decoding work. Keep cursor values short (IDs, timestamps, short keys) to stay under it.
    public static let maxEncodedLength = 512

    public init(_ values: [CursorValue]) {
        self.values = values
    }

    /// URL-safe base64 without padding of the JSON payload followed by an 8-byte check.
    public func encoded() -> String {
        let payload = CursorPayload.encode(values)
        return Base64URL.encode(payload + CursorCheck.bytes(of: payload))
    }

    /// Reads a cursor made by ``encoded()``, refusing anything too long, truncated, altered, or
    /// made some other way.
    public init(decoding text: String) throws(CursorError) {
        guard text.utf8.count <= Self.maxEncodedLength else { throw .tooLong }
        guard let bytes = Base64URL.decode(text), bytes.count > CursorCheck.length else { throw .invalid }
        let payload = Array(bytes.dropLast(CursorCheck.length))
        guard Array(bytes.suffix(CursorCheck.length)) == CursorCheck.bytes(of: payload),
              let values = CursorPayload.decode(payload)
        else { throw .invalid }
        self.values = values
    }

    /// The integer at `index`; throws when the cursor is too short or holds a string there,
    /// which means it came from a different list.
    public func int(_ index: Int) throws(CursorError) -> Int64 {
        guard values.indices.contains(index) else { throw .missingValue(index: index) }
        guard case let .int(value) = values[index] else { throw .wrongKind(index: index) }
        return value
    }

    /// The string at `index`; throws when the cursor is too short or holds an integer there.
    public func string(_ index: Int) throws(CursorError) -> String {
        guard values.indices.contains(index) else { throw .missingValue(index: index) }
        guard case let .string(value) = values[index] else { throw .wrongKind(index: index) }
        return value
    }
}

/// One sort-key value. Encoded as a bare JSON number or string to keep cursors short.
public enum CursorValue: Sendable, Equatable, Codable {
    case int(Int64)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(number): try container.encode(number)
        case let .string(text): try container.encode(text)
        }
    }
}

/// Why a cursor was refused.
public enum CursorError: Error, Sendable, Equatable {
    /// Longer than ``Cursor/maxEncodedLength``.
    case tooLong
    /// Not base64, cut short, altered, or not made by ``Cursor/encoded()``.
    case invalid
    /// Well formed but with fewer values than the list sorts on.
    case missingValue(index: Int)
    /// Well formed but holding an integer where the list sorts on a string, or the reverse.
    case wrongKind(index: Int)

    /// A plain-English explanation for the client.
    public var message: String {
        switch self {
        case .tooLong, .invalid:
            return "cursor is not valid; use next_cursor from a previous page"
        case .missingValue, .wrongKind:
            return "cursor does not belong to this list; use next_cursor from a previous page of the same list"
        }
    }
}

/// A 64-bit FNV-1a over a fixed key and the payload, with a final mix so that a change in the
/// last payload byte still flips about half of the check's bits.
private enum CursorCheck {
    static let length = 8
    /// Not a secret: it keeps a plain FNV of a hand-made payload from passing, and changing it
    /// retires every cursor in circulation (worth doing if the payload format ever changes).
    private static let key: UInt64 = 0x5175_6972_6543_7572

    static func bytes(of payload: [UInt8]) -> [UInt8] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            hash ^= (key >> shift) & 0xFF
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in payload {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        // MurmurHash3's fmix64 finaliser.
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return (0..<length).map { UInt8(truncatingIfNeeded: hash >> (8 * (length - 1 - $0))) }
    }
}

/// Base64 with "-" and "_" for "+" and "/" and no "=" padding, so a cursor needs no escaping in a
/// query string. Encoded by hand: Foundation's base64 and three string replacements were most of
/// the 15 µs and 48 allocations a cursor cost, on every page that has a next one.
private enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let chunk = UInt32(bytes[index]) << 16
                | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
            // 3 bytes make 4 characters; a last 1 or 2 make 2 or 3, unpadded.
            for position in 0..<min(4, remaining + 1) {
                text.append(alphabet[Int((chunk >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Accepts only the exact text ``encode(_:)`` would produce: base64 has spare bits in its last
    /// character, and letting them vary would let an altered cursor decode to the same bytes.
    /// Decoded by hand too: every page after the first reads a cursor, and Foundation's string
    /// replacements and base64 decoding were 3.5% of `quire`'s CPU on SQLite's deep home page
    /// (large seed, release, perf).
    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk: UInt32 = 0
        var count = 0
        bytes.reserveCapacity(text.utf8.count * 3 / 4)
        for character in text.utf8 {
            let value = sextets[Int(character)]
            guard value != invalid else { return nil }
            chunk = chunk << 6 | UInt32(value)
            count += 1
            if count == 4 {
                bytes.append(UInt8(truncatingIfNeeded: chunk >> 16))
                bytes.append(UInt8(truncatingIfNeeded: chunk >> 8))
                bytes.append(UInt8(truncatingIfNeeded: chunk))
                chunk = 0
                count = 0
            }
        }
        // A last 2 or 3 characters carry 1 or 2 bytes and 4 or 2 spare bits, which must be zero;
        // a lone last character carries no whole byte.
        switch count {
        case 0: break
        case 2:
            guard chunk & 0xF == 0 else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: chunk >> 4))
        case 3:
            guard chunk & 0x3 == 0 else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: chunk >> 10))
            bytes.append(UInt8(truncatingIfNeeded: chunk >> 2))
        default: return nil
        }
        return bytes
    }

    private static let invalid: UInt8 = 0xFF
    /// Each byte's 6-bit value in `alphabet`, `invalid` for a byte not in it.
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()
}

/// A cursor's payload: its values as a JSON array. Integers, every list's sort keys but the
/// job kinds', are written and read by hand; a payload with a string goes through Foundation's
/// JSON coders, as every payload once did, so cursors made before read the same.
private enum CursorPayload {
    static func encode(_ values: [CursorValue]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in values.enumerated() {
            guard case let .int(number) = value else {
                // JSONEncoder only fails on non-finite floating-point numbers, which a cursor cannot hold.
                return (try? JSONEncoder().encode(values)).map { [UInt8]($0) } ?? Array("[]".utf8)
            }
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: String(number).utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    static func decode(_ payload: [UInt8]) -> [CursorValue]? {
        if let integers = integers(payload) { return integers }
        return try? JSONDecoder().decode([CursorValue].self, from: Data(payload))
    }

    /// `[1,-2,3]` exactly as `encode` writes it; nil for anything else.
    private static func integers(_ payload: [UInt8]) -> [CursorValue]? {
        guard payload.first == UInt8(ascii: "["), payload.last == UInt8(ascii: "]") else { return nil }
        let inner = payload.dropFirst().dropLast()
        guard !inner.isEmpty else { return [] }
        var values: [CursorValue] = []
        for part in inner.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            // Int64 refuses what overflows, an empty part and anything not a plain integer.
            guard part.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }),
                  let number = Int64(String(decoding: part, as: UTF8.self))
            else { return nil }
            values.append(.int(number))
        }
        return values
    }
}
