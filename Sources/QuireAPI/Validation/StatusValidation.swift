import QuireCore
import QuireStore

/// Checks a posted or edited status field by field, naming the first one at fault (a 400).
enum StatusValidation {
    /// Which fields each type takes, beyond body, content warning, privacy and the reply target.
    static func newStatus(_ input: StatusInput, user: UserRecord, edition: EditionRecord?) throws -> NewStatus {
        guard let typeText = input.type else { throw APIError.invalid("type", "is required: one of review, comment, quotation, note") }
        guard let kind = StatusKind(rawValue: typeText), StatusKind.postable.contains(kind) else {
            throw APIError.invalid("type", "must be one of review, comment, quotation, note")
        }
        if kind != .note, input.editionId == nil { throw APIError.invalid("edition_id", "is required for a \(kind.rawValue)") }
        if input.editionId != nil, edition == nil { throw APIError.invalid("edition_id", "no edition with this id") }
        let privacy: StatusPrivacy
        if let text = input.privacy {
            guard let value = StatusPrivacy(rawValue: text) else {
                throw APIError.invalid("privacy", "must be one of public, unlisted, followers, direct")
            }
            privacy = value
        } else {
            privacy = StatusPrivacy(accountDefault: user.defaultPrivacy)
        }
        var status = NewStatus(userID: user.id, kind: kind, edition: edition, body: try body(input.body) ?? "", privacy: privacy)
        try checkKindFields(input, kind: kind)
        status.title = try line(input.title, "title", StatusRules.titleLength)
        status.rating = try rating(input.rating)
        status.quote = try text(input.quote, "quote", StatusRules.quoteLength)
        status.position = try line(input.position, "position", StatusRules.positionLength)
        status.progress = try progress(input.progress)
        status.contentWarning = try line(input.contentWarning, "content_warning", StatusRules.contentWarningLength)
        status.inReplyToID = input.inReplyToId
        switch kind {
        case .quotation where status.quote == nil: throw APIError.invalid("quote", "is required for a quotation")
        case .review where status.body.isEmpty && status.rating == nil: throw APIError.invalid("body", "a review needs a body, a rating or both")
        case .comment where status.body.isEmpty, .note where status.body.isEmpty: throw APIError.invalid("body", "is required for a \(kind.rawValue)")
        default: break
        }
        return status
    }

    /// The changes a `PATCH` asks for, checked against the status's type.
    static func changes(_ input: StatusInput, kind: String) throws -> StatusChanges {
        if input.type != nil { throw APIError.invalid("type", "can't be changed") }
        if input.privacy != nil { throw APIError.invalid("privacy", "can't be changed after posting: the status has gone out to its audience") }
        if input.editionId != nil { throw APIError.invalid("edition_id", "can't be changed") }
        if input.inReplyToId != nil { throw APIError.invalid("in_reply_to_id", "can't be changed") }
        guard let kind = StatusKind(rawValue: kind) else { return StatusChanges() }
        try checkKindFields(input, kind: kind)
        var changes = StatusChanges()
        if let value = try body(input.body) {
            if value.isEmpty, kind == .comment || kind == .note { throw APIError.invalid("body", "can't be empty for a \(kind.rawValue)") }
            changes.body = value
        }
        if input.title != nil { changes.title = .some(try line(input.title, "title", StatusRules.titleLength)) }
        if input.rating != nil { changes.rating = .some(try rating(input.rating)) }
        if input.quote != nil { changes.quote = .some(try text(input.quote, "quote", StatusRules.quoteLength)) }
        if input.position != nil { changes.position = .some(try line(input.position, "position", StatusRules.positionLength)) }
        if input.progress != nil { changes.progress = .some(try progress(input.progress)) }
        // An empty content warning takes it off.
        if let warning = input.contentWarning {
            changes.contentWarning = .some(warning.isEmpty ? nil : try line(warning, "content_warning", StatusRules.contentWarningLength))
        }
        return changes
    }

    static func checkKindFields(_ input: StatusInput, kind: StatusKind) throws {
        if input.rating != nil, kind != .review { throw APIError.invalid("rating", "only a review has a rating") }
        if input.title != nil, kind != .review { throw APIError.invalid("title", "only a review has a title") }
        if input.quote != nil || input.position != nil, kind != .quotation {
            throw APIError.invalid(input.quote != nil ? "quote" : "position", "only a quotation has one")
        }
        if input.progress != nil, kind != .comment { throw APIError.invalid("progress", "only a comment has reading progress") }
    }

    static func body(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard StatusRules.bodyLength.contains(TextRules.length(value)) else {
            throw APIError.invalid("body", "must be at most \(StatusRules.bodyLength.upperBound) characters long")
        }
        if let problem = TextRules.freeTextProblem(value) { throw APIError.invalid("body", problem) }
        return value
    }

    static func text(_ value: String?, _ field: String, _ length: ClosedRange<Int>) throws -> String? {
        guard let value else { return nil }
        guard length.contains(TextRules.length(value)) else {
            throw APIError.invalid(field, "must be \(length.lowerBound) to \(length.upperBound) characters long")
        }
        if let problem = TextRules.freeTextProblem(value) { throw APIError.invalid(field, problem) }
        return value
    }

    /// A one-line text field (a title, a position, a content warning).
    static func line(_ value: String?, _ field: String, _ length: ClosedRange<Int>) throws -> String? {
        guard let value = try text(value, field, length) else { return nil }
        if let problem = TextRules.singleLineProblem(value) { throw APIError.invalid(field, problem) }
        return value
    }

    static func rating(_ value: Double?) throws -> Int? {
        guard let value else { return nil }
        guard let halfStars = StatusRules.halfStars(value) else { throw APIError.invalid("rating", "must be 0.5 to 5 in steps of 0.5") }
        return halfStars
    }

    static func progress(_ value: Int?) throws -> Int? {
        guard let value else { return nil }
        guard StatusRules.progress.contains(value) else {
            throw APIError.invalid("progress", "must be \(StatusRules.progress.lowerBound) to \(StatusRules.progress.upperBound)")
        }
        return value
    }
}
