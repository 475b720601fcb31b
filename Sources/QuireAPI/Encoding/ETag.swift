import Foundation
import NIOCore

/// A strong entity tag for a response body: a 64-bit hash of its bytes, the same in every
/// process for the same bytes, so a client revalidating against another Quire process behind
/// the same address still gets its 304.
///
/// Not a cryptographic hash: a tag only has to differ between two versions of one resource.
/// Eight bytes a step in four independent lanes, so the multiplications of one step don't wait
/// on the step before: one lane was 1.8% of `quire`'s CPU on the deep home page's 9.6 KiB bodies
/// (large seed, SQLite, release, perf), each step's two multiplications waiting on the last's.
enum ETag {
    static func of(_ buffer: ByteBuffer) -> String {
        let hash = buffer.withUnsafeReadableBytes { bytes -> UInt64 in
            let seed: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
            var lanes = (seed, seed &+ 1, seed &+ 2, seed &+ 3)
            var index = 0
            while index + 32 <= bytes.count {
                lanes.0 = mix(lanes.0 ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                lanes.1 = mix(lanes.1 ^ bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
                lanes.2 = mix(lanes.2 ^ bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self))
                lanes.3 = mix(lanes.3 ^ bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self))
                index += 32
            }
            var h = mix(mix(mix(lanes.0 ^ lanes.1.rotateLeft(17)) ^ lanes.2.rotateLeft(31)) ^ lanes.3.rotateLeft(47))
            while index + 8 <= bytes.count {
                h = mix(h ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            return finish(mix(h ^ tail))
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    private static func mix(_ h: UInt64) -> UInt64 {
        (h &* 0xFF51_AFD7_ED55_8CCD).rotateLeft(29) &* 0xC4CE_B9FE_1A85_EC53
    }

    /// MurmurHash3's finaliser: every input bit reaches every output bit.
    private static func finish(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Whether an `If-None-Match` value names `tag`: `*`, or a list of tags, weak or strong
    /// (a GET compares weakly, RFC 9110 13.1.2).
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { item in
            var candidate = item.trimmingCharacters(in: .whitespaces)[...]
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate = candidate.dropFirst(2) }
            return candidate == tag
        }
    }
}

private extension UInt64 {
    func rotateLeft(_ by: UInt64) -> UInt64 { (self << by) | (self >> (64 - by)) }
}
