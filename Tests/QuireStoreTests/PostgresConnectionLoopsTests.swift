import NIOCore
import NIOPosix
@testable import QuireStore
import Testing

/// PostgreSQL's connections are opened on the loops in turn, even when the pool asks from one of
/// them (where tasks run on PostgreSQL: `TaskLoops`), so requests' statements use every core.
@Suite struct PostgresConnectionLoopsTests {
    @Test func connectionsAskedForFromOneLoopAreSpreadOverAllOfThem() async throws {
        // setup: two loops, and the pool's task on the first
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = PostgresConnectionLoops(group)
        let first = group.next()

        // call: four connections' loops, asked for on the first loop as the pool does
        let chosen = try await first.submit { (0..<4).map { _ in ObjectIdentifier(loops.any()) } }.get()

        // check: both loops, twice each
        #expect(Set(chosen).count == 2)
        #expect(Dictionary(grouping: chosen, by: { $0 }).values.map(\.count).sorted() == [2, 2])
        try await group.shutdownGracefully()
    }
}
