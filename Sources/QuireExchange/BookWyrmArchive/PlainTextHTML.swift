import Foundation

/// Quire stores statuses and bios as plain text; BookWyrm's ActivityPub fields carry HTML (its
/// own text goes through markdown first), and its importer sanitises that HTML, which would eat
/// anything in plain text that looks like a tag. So text is escaped and put in paragraphs.
enum PlainTextHTML {
    /// Blank lines separate paragraphs; other line breaks become `<br>`.
    static func paragraphs(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let blocks = normalized.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: ["\n"]) }.filter { !$0.isEmpty }
        return blocks.map { "<p>" + escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }.joined()
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
