import Foundation
@testable import QuireExchange
import Testing

/// Reading holds one row at a time: 200,000 rows leave the process about as big as it was. (A
/// reader that kept its rows grows by about 1 KB a row: measured, 180 MiB for these.)
///
/// Other tests run in the same process at the same time and move its resident size by tens of
/// megabytes, so the reading is measured in a child: this test binary run again with only this
/// test selected and `QUIRE_IMPORT_MEMORY_CHILD` set.
@Suite struct ImportMemoryTests {
    static let rows = 200_000
    static let childVariable = "QUIRE_IMPORT_MEMORY_CHILD"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm")))
    func reading200000RowsDoesNotGrowWithTheFile() throws {
        guard ProcessInfo.processInfo.environment[Self.childVariable] != nil else {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--testing-library", "swift-testing", "--filter", "ImportMemoryTests"]
            process.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: "1"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "the child's reading grew the process; run it alone to see by how much")
            return
        }
        try measure()
    }

    // Rows without ISBNs (as many Goodreads rows are): QuireCore's ISBN parsing costs about a
    // third of a debug build's reading time, and this test is about memory, not speed.
    private func measure() throws {
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

        let before = Self.residentBytes()
        let reader = try ImportFiles.open(.goodreads, path: path, limits: ImportLimits(), now: importNow)
        var count = 0
        var problems = 0
        var peak = before
        while let row = try reader.next() {
            if row.problem != nil { problems += 1 }
            count += 1
            if count % 10_000 == 0 { peak = max(peak, Self.residentBytes()) }
        }

        #expect(count == Self.rows && problems == 0)
        #expect(peak - before < 16 << 20, "grew \((peak - before) >> 20) MiB reading \(Self.rows) rows")
    }

    /// Resident set size, from the second field of /proc/self/statm (in pages).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
