import Foundation

/// Turns a display name such as "Café Reads: 2024!" into a URL path segment such as
/// "cafe-reads-2024".
public enum Slug {
    /// Long enough to tell shelves apart, short enough to keep URLs readable.
    public static let maxLength = 60
    /// Used when a name has no letters or digits at all (e.g. "!!!" or "📚"), so a URL segment is
    /// never empty.
    public static let fallback = "shelf"

    /// Lower-cases the name, folds accents (é → e), keeps ASCII letters and digits, turns every
    /// run of other characters into a single "-", trims "-" from both ends, and cuts the result
    /// to ``maxLength`` characters.
    public static func make(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var slug = ""
        var pendingDash = false
        for scalar in folded.unicodeScalars {
            let isKept = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            guard isKept else {
                pendingDash = true
                continue
            }
            // A dash is only written between kept characters, which trims both ends for free.
            if pendingDash && !slug.isEmpty { slug.append("-") }
            pendingDash = false
            slug.unicodeScalars.append(scalar)
        }
        // Cutting can leave a dash at the end ("a-b" cut after "a-"), so trim again.
        var cut = String(slug.prefix(maxLength))
        while cut.hasSuffix("-") { cut.removeLast() }
        return cut.isEmpty ? fallback : cut
    }
}
