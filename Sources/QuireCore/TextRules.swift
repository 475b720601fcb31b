/// What a client's text may hold. U+0000 is refused everywhere (the request reader does that:
/// neither engine reads it back whole); a name, an email or a title is one line of visible text,
/// so control characters there are refused too, while free text (a body, a bio) keeps its line
/// breaks and tabs.
public enum TextRules {
    /// A client's text's length as every limit on it counts it: in Unicode scalars (code points),
    /// as JSON Schema's `maxLength` counts them in openapi.json, so a limit of n is at most 4n
    /// bytes of UTF-8. Not in Swift's `Character`s (grapheme clusters): one of those holds any
    /// number of scalars, and when limits counted them a display name of at most 100 took a
    /// letter and 400,000 combining accents (800 KB), which each page of statuses carried once a
    /// status (a home page of 6 notes by its owner: 4.8 MB).
    public static func length(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.count
    }

    /// `text`'s first `count` scalars (a stored excerpt, a name quoted in a message), bounded as
    /// `length` counts.
    public static func prefix(_ text: some StringProtocol, _ count: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(count)))
    }

    /// Why `text` is not a fit single-line value (a name, an email, a title), or nil.
    public static func singleLineProblem(_ text: some StringProtocol) -> String? {
        text.unicodeScalars.contains(where: isControl) ? "must not contain control characters or line breaks" : nil
    }

    /// Why `text` is not fit free text, or nil: line breaks and tabs are welcome, other control
    /// characters are not.
    public static func freeTextProblem(_ text: some StringProtocol) -> String? {
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        return text.unicodeScalars.contains { isControl($0) && !allowed.contains($0) } ? "must not contain control characters" : nil
    }

    /// C0 and C1 controls and DEL, plus the line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
