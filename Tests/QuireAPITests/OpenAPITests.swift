import Foundation
import Hummingbird
import HummingbirdTesting
import QuireApp
import TestSupport
import Testing

/// The served OpenAPI document and the router must describe the same API: a route added without
/// its documentation, or documentation left behind by a removed route, fails here.
@Suite struct OpenAPITests {
    static let operationKeys: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Fetches `/openapi.json` from the real application and hands `check` the parsed document and
    /// the router's routes as "method path" with the method lower-cased, as OpenAPI spells it.
    func withServedDocument(_ check: @Sendable ([String: Any], Set<String>) throws -> Void) async throws {
        try await withTestApp(.sqlite) { client, database in
            let (_, routeTable) = buildRouter(database: database, configuration: QuireConfiguration())
            // The web pages (QuireWeb) are HTML for browsers, not part of the JSON API's document.
            let routes = Set(routeTable.routes.filter { !Self.isWebPage($0.path) }.map { "\($0.method.rawValue.lowercased()) \($0.path)" })

            let response = try await client.execute(uri: "/openapi.json", method: .get)

            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            try check(document, routes)
        }
    }

    static func isWebPage(_ path: String) -> Bool {
        path == "/" || ["/signup", "/signin", "/signout", "/search", "/book/", "/user/", "/status", "/static/", "/settings", "/notifications",
                        "/import", "/export", "/admin/", "/follow-requests"].contains { path.hasPrefix($0) }
    }

    /// Every operation of the document as "method path", with its object.
    static func operations(_ document: [String: Any]) -> [(key: String, operation: [String: Any])] {
        let paths = document["paths"] as? [String: Any] ?? [:]
        return paths.sorted { $0.key < $1.key }.flatMap { path, item in
            (item as? [String: Any] ?? [:]).filter { operationKeys.contains($0.key) }.sorted { $0.key < $1.key }
                .map { (key: "\($0.key) \(path)", operation: $0.value as? [String: Any] ?? [:]) }
        }
    }

    @Test func documentsExactlyTheRoutesTheRouterServes() async throws {
        try await withServedDocument { document, routes in
            #expect(document["openapi"] as? String == "3.1.0")
            let info = document["info"] as? [String: Any] ?? [:]
            #expect(info["title"] as? String == "Quire")
            #expect(!routes.isEmpty)

            let documented = Set(Self.operations(document).map(\.key))

            #expect(routes.subtracting(documented).sorted() == [], "routes missing from openapi.json")
            #expect(documented.subtracting(routes).sorted() == [], "operations in openapi.json that no route serves")
        }
    }

    @Test func everyOperationHasAUniqueOperationID() async throws {
        try await withServedDocument { document, _ in
            let operations = Self.operations(document)
            #expect(!operations.isEmpty)
            var seen: [String: String] = [:]
            for (key, operation) in operations {
                let id = operation["operationId"] as? String ?? ""
                #expect(!id.isEmpty, "\(key) has no operationId")
                if let other = seen[id] { Issue.record("operationId \(id) is used by both \(other) and \(key)") }
                seen[id] = key
            }
        }
    }

    @Test func everyReferenceResolvesInsideComponents() async throws {
        try await withServedDocument { document, _ in
            let references = Self.references(in: document)
            #expect(!references.isEmpty)
            for reference in references.sorted() {
                #expect(reference.hasPrefix("#/components/"), "\(reference) points outside components")
                #expect(Self.resolve(reference, in: document) != nil, "\(reference) does not resolve")
            }
        }
    }

    /// Every `$ref` value anywhere in `value`.
    static func references(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            var found = Set(object["$ref"].flatMap { $0 as? String }.map { [$0] } ?? [])
            for child in object.values { found.formUnion(references(in: child)) }
            return found
        }
        if let array = value as? [Any] {
            return array.reduce(into: Set<String>()) { $0.formUnion(references(in: $1)) }
        }
        return []
    }

    /// Follows a local JSON pointer (`#/a/b`, with `~1` for `/` and `~0` for `~`).
    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var current: Any = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = current as? [String: Any], let next = object[key] else { return nil }
            current = next
        }
        return current
    }
}
