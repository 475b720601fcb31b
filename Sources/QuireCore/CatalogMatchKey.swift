import Foundation

/// The key an import matches a book by when it has no ISBN Quire knows: the title and the first
/// author, each folded so that the spellings different services write agree. Case, accents,
/// punctuation and spacing are ignored, and so is what follows the title proper: a subtitle after
/// ":" and a trailing series note in parentheses, as Goodreads writes it ("Gideon the Ninth (The
/// Locked Tomb #1)"). Stored on every edition (`editions.match_key`), so a whole batch of rows is
/// looked up with one indexed `IN`.
public enum CatalogMatchKey {
    /// The key's longest, in Unicode scalars: at most 2,400 bytes, under the 2,704 a PostgreSQL
    /// B-tree entry may hold. A title of 500 scalars and an author of 200 (what the API takes)
    /// made keys of up to 2,801 bytes, and such an edition's insert failed there (a 500). Two
    /// books whose folded title and author agree for 600 scalars match.
    public static let maxLength = 600

    /// nil when the title folds to nothing (a title of only punctuation can't match anything).
    public static func make(title: String, firstAuthor: String?) -> String? {
        var proper = Substring(title)
        if let colon = proper.firstIndex(of: ":"), colon != proper.startIndex { proper = proper[..<colon] }
        proper = Substring(proper.trimmingCharacters(in: .whitespaces))
        if proper.hasSuffix(")"), let open = proper.lastIndex(of: "("), open != proper.startIndex {
            proper = proper[..<open]
        }
        let folded = fold(proper)
        guard !folded.isEmpty else { return nil }
        let key = folded + "|" + fold(Substring(firstAuthor ?? ""))
        // Its UTF-8 length bounds its scalars': most keys are kept without counting them.
        return key.utf8.count <= maxLength ? key : TextRules.prefix(key, maxLength)
    }

    /// Lower case without diacritics, every run of anything but letters and digits one space.
    static func fold(_ text: Substring) -> String {
        // ASCII text, most of any file, is folded here: Foundation's folding went through
        // NSString and was a tenth of an import's time.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var pendingSpace = false
            for byte in text.utf8 {
                let lower = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
                if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                    if pendingSpace, !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(lower)
                } else {
                    pendingSpace = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        out.reserveCapacity(plain.utf8.count)
        var pendingSpace = false
        for scalar in plain.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out.lowercased()
    }
}
