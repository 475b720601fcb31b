import Foundation

/// The key an import matches a book by when it has no ISBN Quire knows: the title and the first
/// author, each folded so that the spellings different services write agree. Case, accents,
/// punctuation and spacing are ignored, and so is what follows the title proper: a subtitle after
/// ":" and a trailing series note in parentheses, as Goodreads writes it ("Gideon the Ninth (The
/// Locked Tomb #1)"). Stored on every edition (`editions.match_key`), so a whole batch of rows is
/// looked up with one indexed `IN`.
public enum CatalogMatchKey {
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
        return folded + "|" + fold(Substring(firstAuthor ?? ""))
    }

    /// Lower case without diacritics, every run of anything but letters and digits one space.
    static func fold(_ text: Substring) -> String {
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
