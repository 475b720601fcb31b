import Logging
@testable import QuireStore
import TestSupport
import Testing

/// The cache listener on a connection that closed before it could listen: a cancelled connect
/// hands one back so (its cancel handler closes the channel as it returns), and PostgreSQL can
/// drop one at any time. PostgresNIO traps when a listener is handed to a closed connection.
struct CacheListenerTests {
    @Test func listeningOnAConnectionAlreadyClosedFailsWithoutStoppingTheProcess() async throws {
        try await withTestDatabase(.postgres) { database in
            // setup: the listener's connection, closed
            guard case .postgres(let url) = database.url else { throw TestSetupError("not PostgreSQL") }
            let listener = CacheListener(url: database.url, caches: database.caches, logger: Logger(label: "test"))
            let connection = try await listener.connect(url)
            try await connection.close()

            // call, check: an error the listener's loop answers by connecting again (before, a trap)
            await #expect(throws: CacheListenerError.self) { try await listener.listen(on: connection) }
        }
    }
}
