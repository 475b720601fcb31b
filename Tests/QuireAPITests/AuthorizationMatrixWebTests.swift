import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport
import Testing

/// The web pages against the same table as the API (issue 17): for every viewer, every status
/// of every audience and kind, every shelf of every privacy and the profile, the page is found
/// exactly when its API twin is, and a profile page lists exactly the statuses and shelves the
/// API lists to that viewer. Pages sign in by the session cookie holding the viewer's token.
@Suite struct AuthorizationMatrixWebTests {
    typealias Matrix = AuthorizationMatrix

    @Test(arguments: TestEngine.all)
    func everyPageShowsExactlyWhatItsAPITwinShows(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup
            let fixture = try await AuthorizationMatrixFixture.build(client, database)
            let owner = try #require(fixture.users[.owner])
            let shelves = try await client.must(.get, "/v1/users/ada/shelves?limit=100", as: owner).items
            let identifiers = Dictionary(uniqueKeysWithValues: shelves.compactMap { shelf in
                shelf.int("id").flatMap { id in (shelf["identifier"] as? String).map { (id, $0) } }
            })
            var mismatches: [String] = []
            var checks = 0

            for viewer in Matrix.Viewer.allCases {
                let user = fixture.users[viewer]
                let headers: HTTPFields = user.map { [.cookie: "quire_session=\($0.token)"] } ?? [:]
                func page(_ uri: String) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
                }
                func compare(_ what: String, page uri: String, api: String) async throws {
                    let (web, twin) = (try await page(uri).status, try await client.send(.get, api, as: user).status)
                    checks += 1
                    if web != twin { mismatches.append("\(what) as \(viewer): page \(uri) \(web.code), API \(api) \(twin.code)") }
                }

                // call and check: each status's page, each shelf's page, the profile
                for (resource, byViewer) in fixture.statuses.sorted(by: { $0.key.description < $1.key.description }) {
                    guard let id = byViewer[viewer] else { continue }
                    try await compare(resource.description, page: "/status/\(id)", api: "/v1/statuses/\(id)")
                }
                for (resource, ids) in fixture.shelves.sorted(by: { $0.key.description < $1.key.description }) {
                    for id in ids {
                        try await compare(resource.description, page: "/user/ada/shelf/\(identifiers[id] ?? "?")", api: "/v1/shelves/\(id)/books")
                    }
                }
                try await compare("profile", page: "/user/ada", api: "/v1/users/ada")

                // the profile page lists what the API lists: its statuses (a boost as the status it
                // boosts) and its shelves
                let profile = try await page("/user/ada")
                guard profile.status == .ok else { continue }
                let listed = try await client.send(.get, "/v1/users/ada/statuses?limit=20", as: user).body.json.items.compactMap { item in
                    (item["boost_of"] as? [String: Any])?.int("id") ?? item.int("id")
                }
                let html = String(buffer: profile.body)
                let linked = html.matches(of: /<a href="\/status\/(\d+)"><time/).compactMap { Int64($0.1) }
                checks += 1
                if linked != listed { mismatches.append("profile statuses as \(viewer): page \(linked), API \(listed)") }
                let apiShelves = Set(try await client.send(.get, "/v1/users/ada/shelves?limit=100", as: user).body.json.items.compactMap {
                    $0["identifier"] as? String
                })
                let pageShelves = Set(html.matches(of: /href="\/user\/ada\/shelf\/([^"]+)"/).map { String($0.1) })
                checks += 1
                if pageShelves != apiShelves { mismatches.append("profile shelves as \(viewer): page \(pageShelves.sorted()), API \(apiShelves.sorted())") }
            }

            // check
            #expect(mismatches == [], Comment(rawValue: mismatches.joined(separator: "\n")))
            #expect(checks > 150, "the table made \(checks) checks")
        }
    }
}
