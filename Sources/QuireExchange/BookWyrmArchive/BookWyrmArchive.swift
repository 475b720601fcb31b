import Foundation

/// BookWyrm's account archive: a gzip'd tar holding `archive.json`, in the shape BookWyrm's own
/// account importer (`bookwyrm_import_job.py`) reads, so a reader can move to any BookWyrm
/// instance. archive.json is streamed to a temporary file beside the destination as batches
/// arrive; `finish` then tars and gzips it into the destination a chunk at a time and removes
/// the temporary.
final class BookWyrmArchive: AccountExportWriter {
    private enum Stage: Int { case created, books, follows, blocks, finished, discarded }

    private let path: String
    private let temporaryPath: String
    private let publicURL: String
    private var stage = Stage.created
    private var jsonFile: BufferedFileWriter?
    private var archiveFile: BufferedFileWriter?
    private var json: ArchiveJSONWriter?
    private var urls: BookWyrmURLs?

    init(path: String, publicURL: String) {
        self.path = path
        temporaryPath = path + ".archive.json.partial"
        self.publicURL = publicURL
    }

    func begin(profile: ExchangeProfile) throws {
        guard stage == .created else { throw ExportWriterError.outOfOrder("begin after \(stage)") }
        stage = .books
        let file = try BufferedFileWriter(path: temporaryPath)
        jsonFile = file
        let writer = ArchiveJSONWriter(out: file)
        json = writer
        let urls = BookWyrmURLs(publicURL: publicURL, username: profile.username)
        self.urls = urls
        try BookWyrmProfile(profile: profile, urls: urls).writeHead(to: writer)
    }

    func append(books: [ExchangeBook]) throws {
        guard stage == .books, let json, let urls else { throw ExportWriterError.outOfOrder("books after \(stage)") }
        for book in books { try BookWyrmBookEntry(book: book, urls: urls).write(to: json) }
    }

    func append(follows: [String]) throws {
        try move(to: .follows)
        guard let json, let urls else { return }
        for username in follows { try json.string(urls.user(username)) }
    }

    func append(blocks: [String]) throws {
        try move(to: .blocks)
        guard let json, let urls else { return }
        for username in blocks { try json.string(urls.user(username)) }
    }

    func finish() throws {
        try move(to: .finished)
        guard let jsonFile else { throw ExportWriterError.outOfOrder("finish before begin") }
        try jsonFile.close()
        self.jsonFile = nil
        let archive = try BufferedFileWriter(path: path)
        archiveFile = archive
        let tar = try GzipTarWriter(out: archive)
        try tar.addFile(named: "archive.json", from: temporaryPath, modified: Int64(Date().timeIntervalSince1970))
        try tar.finish()
        try archive.close()
        archiveFile = nil
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }

    func discard() {
        guard stage != .created else { return }
        stage = .discarded
        jsonFile?.abandon()
        archiveFile?.abandon()
        jsonFile = nil
        archiveFile = nil
        try? FileManager.default.removeItem(atPath: temporaryPath)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Closes the lists of the stages before `target`: books (then the empty saved_lists), follows,
    /// blocks, and last the archive's object, so a stage with no batches still writes `[]`.
    private func move(to target: Stage) throws {
        guard let json, stage.rawValue <= target.rawValue, stage != .created, target != .discarded else {
            throw ExportWriterError.outOfOrder("\(target) after \(stage)")
        }
        while stage != target {
            try json.closeArray()
            switch stage {
            case .books:
                try json.emptyArrayField("saved_lists")
                try json.key("follows")
                try json.openArray()
                stage = .follows
            case .follows:
                try json.key("blocks")
                try json.openArray()
                stage = .blocks
            case .blocks, .created, .finished, .discarded:
                try json.closeObject()
                stage = .finished
            }
        }
    }
}
