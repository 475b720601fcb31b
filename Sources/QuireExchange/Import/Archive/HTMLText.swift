/// BookWyrm's statuses, bios and descriptions are HTML; Quire keeps plain text. The inverse of
/// `PlainTextHTML.paragraphs`: paragraphs become blank lines, `<br>` a line break, other tags
/// are dropped and character references decoded, so text Quire exported comes back as it was.
enum HTMLText {
    static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var text = ""
        var index = html.startIndex
        // The first ">" at or after where it was last looked for, kept until `index` passes it:
        // looked for afresh at each "<", a text of many "<" and no ">" was read once a "<" (a
        // Calibre comment of 40,000 "<" took 28 s; one of 1 MiB, a field's limit, hours).
        var nextClose: String.Index? = nil
        var noCloseLeft = false
        func close(after index: String.Index) -> String.Index? {
            if let nextClose, nextClose > index { return nextClose }
            guard !noCloseLeft else { return nil }
            nextClose = html[index...].firstIndex(of: ">")
            noCloseLeft = nextClose == nil
            return nextClose
        }
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = close(after: index) {
                let tag = html[html.index(after: index)..<close].lowercased()
                let name = tag.prefix { $0.isLetter || $0 == "/" }
                if name == "br" || name == "br/" {
                    text += "\n"
                } else if name == "p", !text.isEmpty, !text.hasSuffix("\n\n") {
                    text += text.hasSuffix("\n") ? "\n" : "\n\n"
                }
                index = html.index(after: close)
            } else if character == "&", let semicolon = html[index...].prefix(12).firstIndex(of: ";"),
                      let decoded = entity(html[html.index(after: index)..<semicolon]) {
                text.append(decoded)
                index = html.index(after: semicolon)
            } else {
                text.append(character)
                index = html.index(after: index)
            }
        }
        return text
    }

    private static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{A0}"
        default:
            guard name.hasPrefix("#") else { return nil }
            let number = name.dropFirst()
            let value = number.first == "x" || number.first == "X" ? UInt32(number.dropFirst(), radix: 16) : UInt32(number)
            // `&#0;` is U+FFFD, as HTML reads it: a NUL, which PostgreSQL can't store, failed
            // the whole import there.
            guard value != 0 else { return "\u{FFFD}" }
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
