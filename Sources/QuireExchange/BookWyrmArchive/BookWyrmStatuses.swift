import QuireCore

/// The reader's reviews, comments and quotations of one edition, as BookWyrm's ActivityPub
/// objects plus the extra keys its exporter adds (a comment's progress, a quotation's position).
/// `attributedTo` is the reader, since BookWyrm's importer only takes statuses attributed to an
/// account the importing account is an alias of.
struct BookWyrmStatuses {
    let book: ExchangeBook
    let urls: BookWyrmURLs

    func write(kind: StatusKind, as key: String, to json: ArchiveJSONWriter) throws {
        try json.key(key)
        try json.openArray()
        for status in book.statuses where status.kind == kind { try write(status, json) }
        try json.closeArray()
    }

    private func write(_ status: ExchangeStatus, _ json: ArchiveJSONWriter) throws {
        let audience = urls.audience(status.privacy.rawValue)
        try json.openObject()
        try json.field("id", urls.status(status.id))
        try json.field("type", Self.activityType(status.kind))
        try json.field("published", ExportTimestamp(microseconds: status.createdAt).pythonISO)
        try json.field("attributedTo", urls.actor)
        try json.field("content", PlainTextHTML.paragraphs(status.body))
        try json.field("to", strings: audience.to)
        try json.field("cc", strings: audience.cc)
        try json.field("summary", status.contentWarning)
        try json.emptyArrayField("tag")
        try json.emptyArrayField("attachment")
        try json.field("sensitive", status.contentWarning != nil)
        try json.field("inReplyToBook", urls.edition(book.edition.id))
        switch status.kind {
        case .review:
            try json.field("name", status.title)
            try json.key("rating")
            try json.number(status.rating.map(Self.stars))
        case .comment:
            try json.field("progress", status.progress.map(Int64.init))
            try json.field("progress_mode", "PG")
        case .quotation:
            let position = Self.position(status.position)
            try json.field("quote", PlainTextHTML.paragraphs(status.quote ?? ""))
            try json.field("position", position.value)
            try json.field("endposition", nil as Int64?)
            try json.field("position_mode", position.mode)
        case .note, .generated, .boost:
            break
        }
        try json.closeObject()
    }

    static func activityType(_ kind: StatusKind) -> String {
        switch kind {
        case .review: "Review"
        case .quotation: "Quotation"
        default: "Comment"
        }
    }

    /// Half stars as BookWyrm's decimal of stars, spelled as Python spells the float: 7 is `3.5`,
    /// 8 is `4.0`.
    static func stars(_ halfStars: Int) -> String {
        "\(halfStars / 2).\(halfStars % 2 == 0 ? 0 : 5)"
    }

    /// Quire's progress modes in BookWyrm's words: pages are "PG", a percentage "PCT".
    static func progressMode(_ mode: String) -> String {
        mode == "percent" ? "PCT" : "PG"
    }

    /// BookWyrm's quotation position is a whole page or percentage; Quire's is text such as "42"
    /// or "42%". Text that doesn't start with a number (e.g. "chapter 3") has no position there.
    static func position(_ text: String?) -> (value: Int64?, mode: String) {
        guard let text = text?.trimmingPrefix(while: \.isWhitespace) else { return (nil, "PG") }
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        let rest = text.dropFirst(digits.count).trimmingPrefix(while: \.isWhitespace)
        return (Int64(digits), rest.hasPrefix("%") ? "PCT" : "PG")
    }
}
