import Foundation
import Hummingbird
import Mustache
import QuireStore

/// What every page's layout shows around the page itself.
struct LayoutModel<Content>: Sendable where Content: Sendable {
    struct Viewer: Sendable {
        let username: String
        let isAdmin: Bool
    }

    let title: String
    let viewer: Viewer?
    let csrf: String
    let css: String
    let js: String
    let message: String?
    let page: Content
}

/// Read by name on every page, without reflection.
extension LayoutModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "viewer": viewer
        case "csrf": csrf
        case "css": css
        case "js": js
        case "message": message
        case "page": page
        default: nil
        }
    }
}

/// Every section inside `{{#viewer}}` asks the viewer first for each name it shows (a status's
/// `id`, `liked`, `csrf`...), so a miss here must be cheap: no `Mirror`.
extension LayoutModel.Viewer: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "username": username
        case "isAdmin": isAdmin
        default: nil
        }
    }
}

/// Renders templates into HTML responses. Mustache escapes every `{{value}}`, so text a reader
/// wrote can't become markup.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let assets: StaticAssets

    /// Templates (`Templates/NAME.mustache`, each registered as NAME for pages and partials) and
    /// static files, from the target's resources.
    static func load() throws -> PageRenderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let statics = Bundle.module.url(forResource: "Static", withExtension: nil)
        else { throw WebSetupError("QuireWeb's Templates and Static resources are missing") }
        var library = MustacheLibrary()
        // Every template, partials and the layout included (a partial starts again from the
        // library's own HTML escaping), escapes with `PageHTMLEscaping`. The pragma stands alone
        // on a first line of its own, so it adds nothing to the page.
        MustacheContentTypes.register(PageHTMLEscaping(), named: PageHTMLEscaping.name)
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)
            do {
                try library.register(PageHTMLEscaping.pragma + text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw WebSetupError("template \(name): \(error)")
            }
        }
        return PageRenderer(library: library, assets: try StaticAssets(directory: statics))
    }

    func page<Content: Sendable>(
        _ template: String, title: String, visit: WebVisit?, _ content: Content, message: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let model = LayoutModel(
            title: title, viewer: visit?.user.map { .init(username: $0.username, isAdmin: $0.isAdmin) }, csrf: visit?.csrf ?? "",
            css: assets.urls["quire.css"] ?? "", js: assets.urls["quire.js"] ?? "", message: message, page: content)
        // A template that is missing is a bug (or resources missing beside the binary): a 500
        // saying so, never an empty 200.
        guard let html = library.render(model, withTemplate: template) else {
            return Response(status: .internalServerError, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(
                string: "<!doctype html><html lang=\"en\"><title>Quire</title><p>This page could not be drawn: its template is missing.</p></html>")))
        }
        var response = Response(status: status, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        if let cookie = visit?.newCSRFCookie { response.setCookie(cookie) }
        return response
    }

    /// A redirect after a form post (303, so the browser follows with GET).
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// Pages show one reader's data: never stored by a shared cache. Scripts and styles only from
    /// Quire itself, and no framing (`frame-ancestors`); the referrer policy is in the layout.
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
    ]
}

struct WebSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
