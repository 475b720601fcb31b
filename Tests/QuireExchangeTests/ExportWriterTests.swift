import QuireExchange
import Testing

@Suite struct ExportWriterTests {
    @Test(arguments: ExportFormat.allCases)
    func discardLeavesNoFile(_ format: ExportFormat) throws {
        let directory = try TemporaryDirectory()
        let writer = try makeExportWriter(format, path: directory.file("export.\(format.fileExtension)"), publicURL: ExportFixtures.publicURL)
        try writer.begin(profile: ExportFixtures.profile)
        try writer.append(books: ExportFixtures.books)
        try writer.append(follows: ["alice"])
        #expect(!directory.contents.isEmpty)

        writer.discard()

        #expect(directory.contents.isEmpty)
    }

    @Test(arguments: ExportFormat.allCases)
    func discardAfterFinishRemovesTheFile(_ format: ExportFormat) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("export.\(format.fileExtension)")
        try ExportFixtures.write(format, to: path)
        #expect(directory.contents == ["export.\(format.fileExtension)"])

        try makeExportWriter(format, path: path, publicURL: ExportFixtures.publicURL).discard()
        #expect(directory.contents == ["export.\(format.fileExtension)"], "a writer that never began removes nothing")

        let writer = try makeExportWriter(format, path: path, publicURL: ExportFixtures.publicURL)
        try writer.begin(profile: ExportFixtures.profile)
        try writer.finish()
        writer.discard()
        #expect(directory.contents.isEmpty)
    }

    @Test(arguments: ExportFormat.allCases)
    func callsOutOfOrderThrow(_ format: ExportFormat) throws {
        let directory = try TemporaryDirectory()
        let writer = try makeExportWriter(format, path: directory.file("export"), publicURL: ExportFixtures.publicURL)
        #expect(throws: ExportWriterError.self) { try writer.append(books: ExportFixtures.books) }
        try writer.begin(profile: ExportFixtures.profile)
        #expect(throws: ExportWriterError.self) { try writer.begin(profile: ExportFixtures.profile) }
        try writer.finish()
        #expect(throws: ExportWriterError.self) { try writer.append(books: ExportFixtures.books) }
        writer.discard()
    }

    @Test func booksAfterFollowsAreRefusedInTheArchive() throws {
        let directory = try TemporaryDirectory()
        let writer = try makeExportWriter(.bookwyrm, path: directory.file("export.tar.gz"), publicURL: ExportFixtures.publicURL)
        try writer.begin(profile: ExportFixtures.profile)
        try writer.append(blocks: ["mallory"])
        #expect(throws: ExportWriterError.self) { try writer.append(follows: ["alice"]) }
        #expect(throws: ExportWriterError.self) { try writer.append(books: ExportFixtures.books) }
        writer.discard()
        #expect(directory.contents.isEmpty)
    }

    @Test func formatsNameTheirFilesAndTypes() {
        #expect(ExportFormat(rawValue: "bookwyrm-csv") == .bookwyrmCSV)
        #expect(ExportFormat.allCases.map(\.fileExtension) == ["tar.gz", "csv", "csv"])
        #expect(ExportFormat.bookwyrm.contentType == "application/gzip")
        #expect(ExportFormat.goodreads.contentType == "text/csv; charset=utf-8")
    }
}
