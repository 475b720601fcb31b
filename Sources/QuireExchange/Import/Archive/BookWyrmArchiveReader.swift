import Foundation

/// BookWyrm's account archive (a gzip'd tar), or its archive.json alone. archive.json is
/// unpacked beside the upload (and removed with the reader), then walked member by member:
/// profile and settings as they come, `books` an element at a time, each decoded on its own
/// (one that isn't a book fails its row, not the file), then follows and blocks.
final class BookWyrmArchiveReader: ImportReader {
    let header = ArchiveBookMapping.header
    var account: ImportedAccount? { profile }

    private let scanner: JSONObjectScanner
    private let mapping: ArchiveBookMapping
    private let limits: ImportLimits
    private let unpacked: String?
    private var profile = ImportedAccount()
    private var inBooks = false
    private var sawBooks = false
    private var finished = false
    private var number = 0
    private var customShelves: Set<String> = []

    init(path: String, limits: ImportLimits, now: Int64) throws {
        let start = try ChunkedFileReader(path: path).prefix(2)
        var unpacked: String?
        if start == [0x1F, 0x8B] {
            let destination = path + ".archive.json.import"
            unpacked = destination
            do {
                try ArchiveJSONExtractor(limits: limits).extract(from: path, to: destination)
            } catch {
                try? FileManager.default.removeItem(atPath: destination)
                throw error
            }
        }
        self.unpacked = unpacked
        self.limits = limits
        mapping = ArchiveBookMapping(now: now)
        let source = try ChunkedFileReader(path: unpacked ?? path)
        if try source.prefix(3) != [0xEF, 0xBB, 0xBF] { try source.seek(to: 0) }
        scanner = JSONObjectScanner(source: source)
        try scanner.begin()
        try readMembers()
    }

    deinit {
        if let unpacked { try? FileManager.default.removeItem(atPath: unpacked) }
    }

    /// A book entry may hold every status about the book, so it may be many fields long.
    private var maxEntryBytes: Int { max(limits.maxFieldBytes * 16, 1 << 20) }

    func next() throws -> ImportRow? {
        while inBooks {
            guard let element = try scanner.nextElement(limit: maxEntryBytes) else {
                inBooks = false
                try readMembers()
                break
            }
            number += 1
            return row(element)
        }
        return nil
    }

    private func row(_ element: JSONObjectScanner.Element) -> ImportRow {
        guard case let .value(bytes) = element else {
            return ImportRow(number: number, cells: [], book: nil, problem: "the book's entry is longer than \(maxEntryBytes >> 20) MiB")
        }
        let data = Data(bytes)
        guard let entry = try? JSONDecoder().decode(ArchiveBook.self, from: data) else {
            let edition = (try? JSONDecoder().decode(ArchiveBookName.self, from: data))?.edition
            let partial = ImportedBook(title: edition?.title ?? "", isbn13: edition?.isbn13, isbn10: edition?.isbn10)
            return ImportRow(number: number, cells: ArchiveBookMapping.cells(partial), book: nil, problem: "the book's entry is not what BookWyrm writes")
        }
        let book = mapping.book(entry)
        let cells = ArchiveBookMapping.cells(book)
        if scanner.longestString > limits.maxFieldBytes {
            return ImportRow(number: number, cells: cells, book: nil, problem: "a text of the book is longer than \(TableImportReader<GoodreadsImport>.size(limits.maxFieldBytes))")
        }
        if book.title.isEmpty, book.isbn13 == nil, book.openlibraryEditionKey == nil, book.openlibraryWorkKey == nil {
            return ImportRow(number: number, cells: cells, book: nil, problem: "no title and no ISBN")
        }
        for shelving in book.shelvings {
            if let name = shelving.customName, customShelves.insert(name).inserted { profile.shelves.append(shelving) }
        }
        return ImportRow(number: number, cells: cells, book: book)
    }

    /// Reads members up to the start of `books`, or to the end of the object.
    private func readMembers() throws {
        guard !finished else { return }
        while let key = try scanner.nextKey() {
            switch key {
            case "books":
                guard !sawBooks, try scanner.beginArray() else { throw shape("'books' is not a list") }
                sawBooks = true
                inBooks = true
                return
            case "follows": profile.follows = try urls(key)
            case "blocks": profile.blocks = try urls(key)
            case "name": profile.displayName = ArchiveBookMapping.text(try decode(String?.self, key))
            case "summary": profile.summary = ArchiveBookMapping.text(try decode(String?.self, key).map(HTMLText.plain))
            case "manuallyApprovesFollowers": profile.manuallyApprovesFollowers = try decode(Bool?.self, key)
            case "settings": profile.defaultPrivacy = try decode(Settings?.self, key)?.privacy
            default: _ = try scanner.value(limit: 0)
            }
        }
        finished = true
        guard sawBooks else { throw shape("there is no 'books' list") }
    }

    private struct Settings: Decodable {
        // swiftlint:disable:next identifier_name
        var default_post_privacy: String?

        /// BookWyrm's post privacy as an account's: unlisted is public, direct private.
        var privacy: String? {
            switch default_post_privacy {
            case "public", "unlisted": "public"
            case "followers": "followers"
            case "direct": "private"
            default: nil
            }
        }
    }

    private struct Actor: Decodable {
        var id: String
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ key: String) throws -> Value {
        guard case let .value(bytes) = try scanner.value(limit: limits.maxFieldBytes),
              let value = try? JSONDecoder().decode([Value].self, from: Data([UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")])).first
        else { throw shape("'\(key)' is not what BookWyrm writes") }
        return value
    }

    /// Follows and blocks: actor URLs, or actor objects with an `id`.
    private func urls(_ key: String) throws -> [String] {
        guard try scanner.beginArray() else { throw shape("'\(key)' is not a list") }
        var urls: [String] = []
        while let element = try scanner.nextElement(limit: 64 * 1024) {
            guard case let .value(bytes) = element else { throw shape("'\(key)' holds an entry longer than 64 KiB") }
            let wrapped = Data([UInt8(ascii: "[")] + bytes + [UInt8(ascii: "]")])
            if let url = (try? JSONDecoder().decode([String].self, from: wrapped))?.first ?? (try? JSONDecoder().decode([Actor].self, from: wrapped))?.first?.id {
                urls.append(url)
            } else {
                throw shape("'\(key)' holds an entry that is not an account's URL")
            }
        }
        return urls
    }

    private func shape(_ detail: String) -> ImportFileError {
        .malformed("archive.json is not BookWyrm's account export: \(detail)")
    }
}
