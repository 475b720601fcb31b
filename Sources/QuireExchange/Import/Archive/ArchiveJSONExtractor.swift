import Foundation
import NIOCore

/// Finds `archive.json` in BookWyrm's gzip'd tar and copies it to a file, a chunk at a time. The
/// tar is read as POSIX ustar (with GNU long names and pax `path` records, which Python's tarfile
/// writes for long or non-ASCII names). Entries named with `..` or an absolute path are never
/// taken, whatever they are called; covers and the avatar are skipped unread. Reading stops at
/// archive.json, so entries after it are never expanded and count against no limit; entries
/// before it count against `maxArchiveEntries`, and everything expanded against
/// `maxExpandedBytes`.
struct ArchiveJSONExtractor {
    private static let block = 512

    let limits: ImportLimits

    /// Throws `ImportFileError.malformed` when the file is not a tar or holds no archive.json,
    /// `.tooLarge` past the limits.
    func extract(from path: String, to destination: String) throws {
        let stream = TarByteStream(try GunzipStream(path: path, maxExpandedBytes: limits.maxExpandedBytes))
        var entries = 0
        var longName: String?
        while let header = try stream.read(Self.block) {
            if header.allSatisfy({ $0 == 0 }) { break }
            guard Self.checksumMatches(header), let size = Self.octal(header[124..<136]) else {
                throw ImportFileError.malformed("the archive is not a tar file that BookWyrm writes (a damaged entry header)")
            }
            entries += 1
            guard entries <= limits.maxArchiveEntries else {
                throw ImportFileError.tooLarge("the archive has more than \(limits.maxArchiveEntries) entries, the limit")
            }
            let padded = (size + Int64(Self.block) - 1) / Int64(Self.block) * Int64(Self.block)
            switch header[156] {
            case UInt8(ascii: "L"), UInt8(ascii: "x"):
                guard size <= 64 * 1024, let body = try stream.read(Int(padded)) else {
                    throw ImportFileError.malformed("the archive has an entry name it can't read")
                }
                let text = TextDecoding.string(Array(body.prefix(Int(size))))
                longName = header[156] == UInt8(ascii: "L") ? text.trimmingCharacters(in: CharacterSet(["\0"])) : Self.paxPath(text) ?? longName
                continue
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                let name = longName ?? Self.name(header)
                longName = nil
                if Self.isArchiveJSON(name) {
                    try stream.copy(size, to: destination)
                    return
                }
            default:
                longName = nil
            }
            try stream.skip(padded)
        }
        throw ImportFileError.malformed("the archive holds no archive.json; is it BookWyrm's account export?")
    }

    /// Only `archive.json` at the top, never through `..` or from an absolute path.
    static func isArchiveJSON(_ name: String) -> Bool {
        guard !name.hasPrefix("/") else { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return !parts.contains("..") && parts == ["archive.json"]
    }

    private static func name(_ header: [UInt8]) -> String {
        func field(_ range: Range<Int>) -> String {
            TextDecoding.string(Array(header[range].prefix { $0 != 0 }))
        }
        let name = field(0..<100)
        let prefix = header[257..<262].elementsEqual("ustar".utf8) ? field(345..<500) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// A pax header's `path` record (`"NN path=name\n"`).
    private static func paxPath(_ text: String) -> String? {
        for record in text.split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let pair = record[record.index(after: space)...]
            if pair.hasPrefix("path=") { return String(pair.dropFirst(5)) }
        }
        return nil
    }

    private static func octal(_ field: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        var digits = 0
        for byte in field where byte != 0 && byte != UInt8(ascii: " ") {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// The byte sum of the header with its own checksum field counted as spaces.
    private static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = octal(header[148..<156]) else { return false }
        var sum: Int64 = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
        return sum == stored
    }
}

/// The inflated tar as a stream to read exact counts from, skip, or copy to a file.
private final class TarByteStream {
    private let gunzip: GunzipStream
    private var current = ByteBuffer()

    init(_ gunzip: GunzipStream) {
        self.gunzip = gunzip
    }

    /// Exactly `count` bytes, or nil when the stream ends first.
    func read(_ count: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            guard try refill() else { return nil }
            let take = min(count - bytes.count, current.readableBytes)
            bytes.append(contentsOf: current.readBytes(length: take) ?? [])
        }
        return bytes
    }

    func skip(_ count: Int64) throws {
        var left = count
        while left > 0 {
            guard try refill() else { throw ImportFileError.malformed("the archive ends in the middle of an entry") }
            let take = Int(min(left, Int64(current.readableBytes)))
            current.moveReaderIndex(forwardBy: take)
            left -= Int64(take)
        }
    }

    func copy(_ count: Int64, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let output = FileHandle(forWritingAtPath: path) else {
            throw ImportFileError.malformed("archive.json can't be unpacked beside the upload")
        }
        defer { try? output.close() }
        var left = count
        while left > 0 {
            guard try refill() else { throw ImportFileError.malformed("the archive ends in the middle of archive.json") }
            let take = Int(min(left, Int64(current.readableBytes)))
            if let slice = current.readSlice(length: take) {
                try slice.withUnsafeReadableBytes { try output.write(contentsOf: $0) }
            }
            left -= Int64(take)
        }
    }

    private func refill() throws -> Bool {
        if current.readableBytes > 0 { return true }
        // Let go of the window first, so the gunzip stream reuses it rather than copying it.
        current = ByteBuffer()
        guard let next = try gunzip.next() else { return false }
        current = next
        return true
    }
}
