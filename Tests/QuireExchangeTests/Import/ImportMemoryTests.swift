import Foundation
@testable import QuireExchange
import Testing

/// Reading holds one row at a time: 200,000 rows leave the process about as big as it was. (A
/// reader that kept its rows grows by about 1 KB a row: measured, 180 MiB for these.) Resident
/// size is read from /proc, so the bound is loose enough for other tests running at the same time.
@Suite struct ImportMemoryTests {
    static let rows = 200_000

    // Rows without ISBNs (as many Goodreads rows are): QuireCore's ISBN parsing costs about a
    // third of a debug build's reading time, and this test is about memory, not speed.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm")))
    func reading200000RowsDoesNotGrowWithTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("big.csv")
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("Title,Author,My Rating,Date Read,Exclusive Shelf,My Review\n".utf8))
        var chunk = ""
        for index in 0..<Self.rows {
            chunk += "Book \(index),Author \(index % 977),\(index % 6),2020/01/\(index % 28 + 1),read,\"A review, \(index)\"\n"
            if chunk.utf8.count > 1 << 16 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
        try handle.close()

        let reader = try ImportFiles.open(.goodreads, path: path, limits: ImportLimits(), now: importNow)
        var count = 0
        var problems = 0
        var before = 0
        var peak = 0
        while let row = try reader.next() {
            if row.problem != nil { problems += 1 }
            count += 1
            // Measured from the 50,000th row: by then the tests running beside this one have
            // done their allocating, and a reader that kept rows would still grow by 150,000.
            if count == 50_000 { before = Self.residentBytes() }
            if count > 50_000, count % 10_000 == 0 { peak = max(peak, Self.residentBytes()) }
        }

        #expect(count == Self.rows && problems == 0)
        #expect(peak - before < 24 << 20, "grew \((peak - before) >> 20) MiB reading rows 50,000 to \(Self.rows)")
    }

    /// Resident set size, from the second field of /proc/self/statm (in pages).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
