import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import QuireApp
import QuireStore

/// Runs `body` against the real application on a fresh database of the given engine, through
/// HummingbirdTesting's router client (no socket, so no client address), or with `.live` through
/// a real server on localhost, for what depends on the connection's peer address.
public func withTestApp(
    _ engine: TestEngine,
    setup: TestingSetup = .router,
    configure: @Sendable (inout QuireConfiguration) -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, Database) async throws -> Void
) async throws {
    try await withTestDatabase(engine) { database in
        var configuration = QuireConfiguration()
        configuration.bcryptCost = 4
        configure(&configuration)
        let app = buildApplication(database: database, configuration: configuration, logger: Logger(label: "quire-test"))
        try await app.test(setup) { client in try await body(client, database) }
    }
}

extension ByteBuffer {
    /// The body decoded as a JSON object, for asserting on responses.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: self))) as? [String: Any] ?? [:]
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `body.json["error"]` as a dictionary, for the error body assertions.
    public var error: [String: Any] { self["error"] as? [String: Any] ?? [:] }
}
