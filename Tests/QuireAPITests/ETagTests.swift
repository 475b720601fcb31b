import NIOCore
import Testing

@testable import QuireAPI

@Suite struct ETagTests {
    /// Bodies of every length up to a few of the hash's 32-byte blocks, so each lane, the words
    /// after the blocks and the tail all carry bytes.
    private static let bodies: [[UInt8]] = (0...100).map { length in (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) } }

    @Test func theSameBytesGetTheSameTag() {
        for body in Self.bodies {
            #expect(ETag.of(ByteBuffer(bytes: body)) == ETag.of(ByteBuffer(bytes: body)))
        }
    }

    /// A client revalidating an edited resource must not get a 304: one byte changed anywhere,
    /// or a byte added, changes the tag.
    @Test func oneByteChangedAnywhereChangesTheTag() {
        for body in Self.bodies {
            let tag = ETag.of(ByteBuffer(bytes: body))
            for index in body.indices {
                var changed = body
                changed[index] ^= 0x01
                #expect(ETag.of(ByteBuffer(bytes: changed)) != tag, "length \(body.count), byte \(index)")
            }
            #expect(ETag.of(ByteBuffer(bytes: body + [0])) != tag, "length \(body.count), a zero byte added")
        }
    }

    @Test func aTagIsAQuotedSixteenDigitHexString() {
        for body in Self.bodies {
            let tag = ETag.of(ByteBuffer(bytes: body))
            #expect(tag.count == 18 && tag.first == "\"" && tag.last == "\"")
            #expect(tag.dropFirst().dropLast().allSatisfy { $0.isHexDigit })
        }
    }
}
