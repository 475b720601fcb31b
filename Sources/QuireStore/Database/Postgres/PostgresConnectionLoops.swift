import Dispatch
import NIOCore
import NIOPosix

/// The event loops PostgreSQL's connections are opened on: NIO's shared loops, taken in turn.
///
/// PostgresNIO's pool opens each connection on `any()` of its group, which is the loop it is
/// called from when that is one of the group's. Since Swift's tasks run on those same loops
/// (`quire` makes them the global executor), the pool's task opened every connection on the loop
/// it happened to run on, and every statement's task then ran there too (`PostgresStatementDatabase`
/// runs on its connection's loop): one of two cores did 45% of a deep home page's work and the
/// other 14%, with 19% of the machine idle. Taken in turn, the connections, and the requests'
/// statements with them, are spread over the loops.
final class PostgresConnectionLoops: EventLoopGroup {
    private let base: MultiThreadedEventLoopGroup

    init(_ base: MultiThreadedEventLoopGroup = .singleton) { self.base = base }

    func next() -> any EventLoop { base.next() }
    func any() -> any EventLoop { base.next() }
    func makeIterator() -> EventLoopIterator { base.makeIterator() }

    /// The shared loops live as long as the process.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        queue.async { callback(nil) }
    }
}
