/// An edition's physical format: one of the API's words, whatever another service called it.
public enum PhysicalFormat {
    /// What the API takes and lists (`physical_format`).
    public static let all = ["hardcover", "paperback", "ebook", "audiobook", "graphic_novel", "other"]

    /// The format another service's word names: Goodreads' Binding ("Kindle Edition", "Mass Market
    /// Paperback", "Audible Audio"), StoryGraph's Format ("digital", "audio"), BookWyrm's
    /// ("EBook", "AudiobookFormat", "GraphicNovel"); "other" for a word none of these matches, nil
    /// for none. Imports used to store the word as written, so an edition's `physical_format`
    /// could be "Hardcover" or "Kindle Edition", outside the values the API documents.
    public static func named(_ text: String) -> String? {
        let word = String(text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        guard !word.isEmpty else { return text.allSatisfy(\.isWhitespace) ? nil : "other" }
        if all.contains(text) { return text }
        let kinds: [(format: String, words: [String])] = [
            ("audiobook", ["audio", "mp3"]),
            ("ebook", ["ebook", "kindle", "nook", "digital", "epub", "pdf", "electronic", "kobo"]),
            ("graphic_novel", ["graphicnovel", "comic", "manga"]),
            ("paperback", ["paperback", "softcover", "softback", "massmarket"]),
            ("hardcover", ["hardcover", "hardback", "librarybinding"]),
        ]
        return kinds.first { kind in kind.words.contains { word.contains($0) } }?.format ?? "other"
    }
}
