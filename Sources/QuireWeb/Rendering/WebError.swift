import HTTPTypes

/// A refusal a page shows as a message: a status and a sentence for people.
struct WebError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static let forgedForm = WebError(.forbidden, "This form has expired or did not come from Quire. Go back, reload the page and try again.")

    static func notFound(_ what: String) -> WebError { WebError(.notFound, "There is no \(what) here, or it is not shown to you.") }
}
