/// Quire stores statuses and bios as plain text; BookWyrm's ActivityPub fields carry HTML (its
/// own text goes through markdown first), and its importer sanitises that HTML, which would eat
/// anything in plain text that looks like a tag. So text is escaped and put in paragraphs.
enum PlainTextHTML {
    /// Blank lines separate paragraphs; a single line break becomes `<br>`; line breaks at the
    /// start or end of the text are dropped.
    static func paragraphs(_ text: String) -> String {
        var html = ""
        var paragraph = ""
        var breaks = 0
        for character in text {
            if character == "\n" || character == "\r\n" || character == "\r" {
                breaks += 1
                continue
            }
            if !paragraph.isEmpty, breaks >= 2 {
                html += "<p>" + paragraph + "</p>"
                paragraph = ""
            } else if !paragraph.isEmpty, breaks == 1 {
                paragraph += "<br>"
            }
            breaks = 0
            append(character, escapedTo: &paragraph)
        }
        if !paragraph.isEmpty { html += "<p>" + paragraph + "</p>" }
        return html
    }

    private static func append(_ character: Character, escapedTo html: inout String) {
        switch character {
        case "&": html += "&amp;"
        case "<": html += "&lt;"
        case ">": html += "&gt;"
        case "\"": html += "&quot;"
        default: html.append(character)
        }
    }
}
