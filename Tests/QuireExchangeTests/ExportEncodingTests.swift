import Foundation
@testable import QuireExchange
import Testing

/// The spellings the formats share, against what Python (BookWyrm) writes for the same values.
@Suite struct ExportEncodingTests {
    @Test func jsonStringsAreEscapedAsPythonEscapesThem() throws {
        let directory = try TemporaryDirectory()
        let file = try BufferedFileWriter(path: directory.file("out.json"))
        let json = ArchiveJSONWriter(out: file)
        try json.openObject()
        try json.field("s", "a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 日本 😀 / </p>")
        try json.key("k")
        try json.openArray()
        try json.int(1)
        try json.string("x")
        try json.closeArray()
        try json.key("e")
        try json.openObject()
        try json.closeObject()
        try json.closeObject()
        try file.close()

        // python3 -c 'import json; print(json.dumps({"s": ..., "k": [1, "x"], "e": {}}))'
        let expected = #"{"s": "a\"b\\c\n\r\t\b\f\u0001\u001f\u007f \u00e9 \u65e5\u672c \ud83d\ude00 / </p>", "k": [1, "x"], "e": {}}"#
        #expect(try String(contentsOfFile: directory.file("out.json"), encoding: .utf8) == expected)
    }

    @Test func timestampsAreSpelledInUTC() {
        let moment = ExportTimestamp(microseconds: 1_709_647_629_123_456)
        #expect(moment.date == "2024-03-05")
        #expect(moment.pythonISO == "2024-03-05T14:07:09.123456+00:00")
        #expect(moment.djangoISO == "2024-03-05T14:07:09.123Z")
        #expect(ExportTimestamp(microseconds: 951_782_400_000_000).pythonISO == "2000-02-29T00:00:00+00:00")
        #expect(ExportTimestamp(microseconds: -500_000).pythonISO == "1969-12-31T23:59:59.500000+00:00")
    }

    @Test func halfStarsBecomeStarsInEachFormat() {
        #expect((1...10).map(BookWyrmStatuses.stars) == ["0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"])
        let ratings: [Int?] = [nil] + (1...10).map { $0 }
        #expect(ratings.map(GoodreadsCSV.wholeStars) == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test func theTarHeaderIsUstarWithAValidChecksum() {
        let header = GzipTarWriter.header(name: "archive.json", size: 17055, modified: 1_712_061_360)
        #expect(header.count == 512)
        #expect(Array(header[257..<263]) == Array("ustar\0".utf8))
        #expect(String(decoding: header[124..<135], as: UTF8.self) == "00000041237")
        let checksum = header.enumerated().reduce(0) { sum, byte in sum + ((148..<156).contains(byte.offset) ? 32 : Int(byte.element)) }
        #expect(String(decoding: header[148..<154], as: UTF8.self) == String(checksum, radix: 8).leftPadded(to: 6))
        #expect(header[154] == 0 && header[155] == 32)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
