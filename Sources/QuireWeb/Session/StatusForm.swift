import Foundation
import QuireAPI
import QuireCore

/// A posted status form as the API's `StatusInput`, so the API's own validation checks it. Empty
/// optional fields are left out; numbers are read as the API reads them, or refused with a 400.
enum StatusForm {
    static func input(_ form: WebForm) throws -> StatusInput {
        var input = StatusInput()
        input.type = form.nonEmpty("type")
        input.body = form["body"] ?? ""
        input.title = form.nonEmpty("title")
        input.quote = form.nonEmpty("quote")
        input.position = form.nonEmpty("position")
        input.contentWarning = form.nonEmpty("content_warning")
        input.privacy = form.nonEmpty("privacy")
        if let rating = form.nonEmpty("rating") {
            // Only the menu's values: 0.5 to 5 in halves.
            guard let value = Double(rating), value.isFinite, StatusRules.halfStars(value) != nil else {
                throw WebError(.badRequest, "rating: must be 0.5 to 5 in steps of 0.5")
            }
            input.rating = value
        }
        if let progress = form.nonEmpty("progress") {
            guard let value = ClientNumber.whole(progress, in: 0...1_000_000) else { throw WebError(.badRequest, "progress: must be 0 to 1000000") }
            input.progress = Int(value)
        }
        return input
    }
}
