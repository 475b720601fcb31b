import QuireCore

/// Conversions every format's reader shares.
enum ImportValues {
    /// An ISBN cell's digits: Goodreads writes `="0123456789"` (a spreadsheet formula that keeps
    /// leading zeros), LibraryThing `[0123456789]`, Calibre `isbn:...`. Returns nil for a number
    /// that fails its checksum: matching then falls back to title and author rather than trusting
    /// a mistyped ISBN.
    static func isbn(_ cell: String) -> ISBN? {
        var text = Substring(TableRow.trimmed(cell))
        if text.hasPrefix("=") { text = text.dropFirst() }
        text = text.trimmingPrefix(while: { $0 == "\"" || $0 == "[" })
        while let last = text.last, last == "\"" || last == "]" { text = text.dropLast() }
        if text.lowercased().hasPrefix("isbn:") { text = text.dropFirst(5) }
        guard !text.isEmpty else { return nil }
        return try? ISBN.parse(String(text))
    }

    /// The book's ISBN-13 (an ISBN-10 converted) and its ISBN-10 when the file wrote one, from
    /// cells in order of preference.
    static func identifiers(_ cells: [String]) -> (isbn13: String?, isbn10: String?) {
        var isbn13: String?
        var isbn10: String?
        for cell in cells {
            guard let isbn = isbn(cell) else { continue }
            if isbn13 == nil { isbn13 = isbn.isbn13 }
            let written = cell.utf8.count { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: "x") }
            if isbn10 == nil, written == 10 { isbn10 = isbn.isbn10 }
        }
        return (isbn13, isbn10)
    }

    /// Names in a list cell, trimmed, empty ones dropped.
    static func list(_ text: String, separator: String) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.components(separatedBy: separator).map(TableRow.trimmed).filter { !$0.isEmpty }
    }

    /// An OpenLibrary key without its path: `/works/OL45W` and `OL45W` are both `OL45W`.
    static func openLibraryKey(_ text: String, suffix: Character) -> String? {
        let key = text.split(separator: "/").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        // ASCII digits, and no longer than the API takes (100): a key of 20,000 digits failed the
        // whole import on PostgreSQL, too long for `editions_openlibrary_key`'s B-tree.
        guard key.hasPrefix("OL"), key.last == suffix, key.dropFirst(2).dropLast().allSatisfy({ $0.isASCII && $0.isNumber }),
              key.count > 3, key.count <= EditionRules.keyLength else { return nil }
        return key
    }

    /// A review status: the text and the rating together, or a rating alone as a review with an
    /// empty body; nil when there is neither.
    static func review(body: String?, rating: Int?, title: String? = nil, contentWarning: String? = nil, createdAt: Int64) -> ExchangeStatus? {
        guard body != nil || rating != nil || title != nil else { return nil }
        return ExchangeStatus(id: 0, kind: .review, title: title, body: body ?? "", rating: rating, contentWarning: contentWarning, createdAt: createdAt)
    }

    /// The shelvings of a row: its default shelf, then its custom shelves, each once (a custom
    /// shelf named like the default one, as Goodreads lists the exclusive shelf among the
    /// others, is left out).
    static func shelvings(_ shelf: DefaultShelf?, custom: [String], shelvedAt: Int64?, skipping: Set<String> = []) -> [ImportedShelving] {
        var result: [ImportedShelving] = []
        if let shelf { result.append(ImportedShelving(defaultShelf: shelf, shelvedAt: shelvedAt)) }
        var seen = skipping.union(shelf.map { [$0.rawValue] } ?? [])
        for name in custom where seen.insert(name.lowercased()).inserted {
            result.append(ImportedShelving(customName: name, shelvedAt: shelvedAt))
        }
        return result
    }

    /// Midnight UTC of the first of the days given, or `now`.
    static func time(of days: String?..., now: Int64) -> Int64 {
        for day in days { if let day, let micros = ImportDate.microseconds(day: day) { return micros } }
        return now
    }
}
