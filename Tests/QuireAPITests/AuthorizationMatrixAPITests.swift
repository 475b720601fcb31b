import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import SQLKit
import TestSupport
import Testing

/// Issue 12: every read endpoint, for every viewer, against every privacy, held to the one table
/// in AuthorizationMatrix. Each cell is checked wherever the thing can be read: a status by its
/// id, in its author's list, in the viewer's home, in its thread or its work's reviews, and by
/// liking and boosting it; a shelf in its owner's list, by its books and by its count on the
/// profile. Counts shown on the profile and to everyone are derived from the same table.
@Suite struct AuthorizationMatrixAPITests {
    typealias Matrix = AuthorizationMatrix

    @Test(arguments: TestEngine.all)
    func everyViewerReadsExactlyWhatTheTableAllows(engine: TestEngine) async throws {
        try await Self.run(engine, ownerIsBroadcaster: false)
    }

    /// The same table when ada is a broadcaster: her followers' homes merge her statuses in when
    /// read instead of holding copies of them, a second way into a home that must agree with it.
    @Test(arguments: TestEngine.all)
    func theTableHoldsWhenTheOwnerIsABroadcaster(engine: TestEngine) async throws {
        try await Self.run(engine, ownerIsBroadcaster: true)
    }

    static func run(_ engine: TestEngine, ownerIsBroadcaster: Bool) async throws {
        // With a limit of 1, ada's second follower makes her a broadcaster.
        try await withTestApp(engine, configure: { if ownerIsBroadcaster { $0.fanoutLimit = 1 } }) { client, database in
            // setup
            let fixture = try await AuthorizationMatrixFixture.build(client, database)
            let owner = fixture.users[.owner]?.id ?? 0
            let broadcasts = try await database.read { try await $0.raw("SELECT user_id FROM broadcasters WHERE user_id = \(bind: owner)").first() != nil }
            try #require(broadcasts == ownerIsBroadcaster)
            var findings = Findings()

            // call and check: every read first, then likes and boosts, which add statuses
            for viewer in Matrix.Viewer.allCases {
                try await checkReads(of: fixture, as: viewer, client, &findings)
            }
            for viewer in Matrix.Viewer.allCases {
                try await checkReactions(of: fixture, as: viewer, client, &findings)
            }

            // check
            #expect(findings.mismatches.count == 0, Comment(rawValue: findings.report))
            #expect(findings.checks == 801, "the matrix made \(findings.checks) checks")
            // The administrator column means something only if root is one: editing ada's edition.
            let edit = try await client.send(.patch, "/v1/editions/\(fixture.edition)", as: fixture.users[.admin], json: ["title": "Book One"])
            #expect(edit.status == .ok)
        }
    }

    /// What each viewer may read: every row of the table through every read endpoint.
    static func checkReads(of fixture: AuthorizationMatrixFixture, as viewer: Matrix.Viewer,
                           _ client: any TestClientProtocol, _ findings: inout Findings) async throws {
        let user = fixture.users[viewer]
        func ids(_ uri: String) async throws -> Set<Int64>? {
            let response = try await client.send(.get, uri, as: user)
            return response.status == .ok ? Set(response.body.json.items.compactMap { $0.int("id") }) : nil
        }
        func found(_ uri: String) async throws -> Bool {
            let status = try await client.send(.get, uri, as: user).status
            if status != .ok && status != .notFound { findings.note("\(uri) as \(viewer): \(status)") }
            return status == .ok
        }
        // Each list once, read as this viewer; nil where the list itself is 404.
        let profile = try await client.send(.get, "/v1/users/ada", as: user)
        let adas = try await ids("/v1/users/ada/statuses?limit=100")
        let cyds = try await ids("/v1/users/cyd/statuses?limit=100")
        let home: Set<Int64>? = if user == nil { nil } else { try await ids("/v1/timelines/home?limit=100") }
        let thread = try await ids("/v1/statuses/\(fixture.root)/thread?limit=100")
        let reviews = try await ids("/v1/works/\(fixture.work)/reviews?limit=100")
        let shelves = try await ids("/v1/users/ada/shelves?limit=100")

        for (resource, cells) in Matrix.table {
            guard let cell = cells[viewer], cell != .notApplicable else { continue }
            let visible = cell == .visible
            func expect(_ seen: Bool, _ endpoint: String) { findings.expect(seen, visible, "\(resource) · \(viewer) · \(endpoint)") }
            switch resource {
            case .profile:
                expect(profile.status == .ok, "GET /v1/users/ada")
                expect(adas != nil, "GET /v1/users/ada/statuses")
                expect(shelves != nil, "GET /v1/users/ada/shelves")
            case .note, .reply, .review, .boost:
                guard let id = fixture.status(resource, for: viewer), let audience = resource.audience else { continue }
                let byCyd = Matrix.isBoost(resource)
                expect(try await found("/v1/statuses/\(id)"), "GET /v1/statuses/{id}")
                expect((byCyd ? cyds : adas)?.contains(id) == true, "GET /v1/users/\(byCyd ? "cyd" : "ada")/statuses")
                if let home {
                    // Home holds the viewer's own statuses, those of the accounts they follow
                    // (only the follower follows ada; nobody follows cyd), and those mentioning them.
                    let reaches = byCyd ? false : viewer == .owner || viewer == .follower || audience == .directToViewer
                    findings.expect(home.contains(id), visible && reaches, "\(resource) · \(viewer) · GET /v1/timelines/home")
                }
                if case .reply = resource {
                    expect(thread?.contains(id) == true, "GET /v1/statuses/{root}/thread")
                    expect(try await found("/v1/statuses/\(id)/thread"), "GET /v1/statuses/{id}/thread")
                }
                if case .review = resource { expect(reviews?.contains(id) == true, "GET /v1/works/{id}/reviews") }
            case .shelf:
                for shelf in fixture.shelves[resource] ?? [] {
                    expect(shelves?.contains(shelf) == true, "GET /v1/users/ada/shelves")
                    expect(try await found("/v1/shelves/\(shelf)/books"), "GET /v1/shelves/{id}/books")
                }
                if profile.status == .ok, let field = fixture.shelfCountFields[resource] {
                    let count = profile.body.json.int(field)
                    expect(count != nil, "GET /v1/users/ada \(field)")
                    if let count, count != 1 { findings.note("\(resource) · \(viewer) · \(field) is \(count), not 1") }
                }
            }
        }

        // Counts, by the README's rules over the same table.
        if profile.status == .ok {
            findings.equal(profile.body.json.int("statuses_count"), Matrix.statusesCount(for: viewer), "\(viewer) · ada's statuses_count")
            findings.equal(profile.body.json.int("followers_count"), 1, "\(viewer) · ada's followers_count (blocks ended two follows)")
        }
        let root = try await client.send(.get, "/v1/statuses/\(fixture.root)", as: user).body.json
        findings.equal(root.int("replies_count"), Matrix.countForEveryone(Matrix.Resource.reply), "\(viewer) · the root's replies_count")
        let work = try await client.send(.get, "/v1/works/\(fixture.work)", as: user).body.json
        for field in ["reviews_count", "ratings_count"] {
            findings.equal(work.int(field), Matrix.countForEveryone(Matrix.Resource.review), "\(viewer) · the work's \(field)")
        }
    }

    /// Likes and boosts: 404 for a status the viewer may not see, as reading it is; a status they
    /// may see can be liked, and boosted when it is for everyone (422 otherwise). Signed out, 401.
    static func checkReactions(of fixture: AuthorizationMatrixFixture, as viewer: Matrix.Viewer,
                               _ client: any TestClientProtocol, _ findings: inout Findings) async throws {
        for (resource, cells) in Matrix.table {
            guard let cell = cells[viewer], cell != .notApplicable,
                  let audience = resource.audience, let id = fixture.status(resource, for: viewer) else { continue }
            let like = try await client.send(.post, "/v1/statuses/\(id)/like", as: fixture.users[viewer]).status
            let boost = try await client.send(.post, "/v1/statuses/\(id)/boost", as: fixture.users[viewer]).status
            let canSee = cell == .visible
            let expectedLike: HTTPResponse.Status = viewer == .anonymous ? .unauthorized : canSee ? .ok : .notFound
            let expectedBoost: HTTPResponse.Status =
                viewer == .anonymous ? .unauthorized : !canSee ? .notFound : audience.isForEveryone ? .ok : .unprocessableContent
            findings.equal(like.code, expectedLike.code, "\(resource) · \(viewer) · POST /v1/statuses/{id}/like")
            findings.equal(boost.code, expectedBoost.code, "\(resource) · \(viewer) · POST /v1/statuses/{id}/boost")
        }
    }
}

/// The matrix's checks and what disagreed with the table, reported together so that one run
/// shows every cell a change broke.
struct Findings {
    var checks = 0
    var mismatches: [String] = []

    mutating func expect(_ seen: Bool, _ allowed: Bool, _ what: String) {
        checks += 1
        if seen != allowed { mismatches.append("\(what): \(seen ? "visible" : "hidden"), the table says \(allowed ? "visible" : "hidden")") }
    }

    mutating func equal<T: Equatable>(_ seen: T?, _ expected: T, _ what: String) {
        checks += 1
        if seen != expected { mismatches.append("\(what): \(seen.map { "\($0)" } ?? "absent"), expected \(expected)") }
    }

    mutating func note(_ problem: String) { mismatches.append(problem) }

    var report: String { "\(mismatches.count) of \(checks) checks disagree with the table:\n" + mismatches.joined(separator: "\n") }
}
