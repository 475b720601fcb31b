import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Quire's stylesheet and script, read once at start and served from memory under names that hold
/// a hash of their content (`quire.3f2a9c1b7d4e.css`): a browser may keep them a year, and a
/// changed file gets a new name, so no page ever meets a stale one. No CDN, no build step.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
    }

    /// Served name → asset.
    private let assets: [String: Asset]
    /// Plain name (`quire.css`) → URL path (`/static/quire.3f2a9c1b7d4e.css`), for the templates.
    let urls: [String: String]

    static let empty = StaticAssets(assets: [:], urls: [:])

    private init(assets: [String: Asset], urls: [String: String]) {
        self.assets = assets
        self.urls = urls
    }

    init(directory: URL) throws {
        var assets: [String: Asset] = [:]
        var urls: [String: String] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for name in names {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let digest = SHA256.hash(data: data).prefix(6).map { String(format: "%02x", $0) }.joined()
            let ext = (name as NSString).pathExtension
            let served = "\((name as NSString).deletingPathExtension).\(digest).\(ext)"
            assets[served] = Asset(body: ByteBuffer(bytes: data), contentType: Self.contentType(ext))
            urls[name] = "/static/\(served)"
        }
        self.assets = assets
        self.urls = urls
    }

    /// The asset with this served name, cached for a year and never revalidated.
    func response(_ name: String) -> Response? {
        guard let asset = assets[name] else { return nil }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: asset.body))
    }

    private static func contentType(_ ext: String) -> String {
        switch ext {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        default: "application/octet-stream"
        }
    }
}
