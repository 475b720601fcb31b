import NIOCore
import Synchronization

/// The API's JSON of a value kept in a cache, made the first time a response shows the value and
/// kept beside it: a search page writes the same editions for every reader, and writing 19 of
/// them field by field (escaping, dates) was 15% of a cached search's CPU in a profile, and
/// with them kept a cached search served about twice the requests a second. A home page writes
/// the same statuses, accounts and books for every follower in the same way.
///
/// It is made from the value it is kept with and nothing else, and that value is immutable (every
/// record holding one has only `let` fields), so it is never older than what it shows; it goes
/// when the value does. `Value` is what the writer keeps: the bytes, or a status's pieces.
public final class Rendered<Value: Sendable>: Sendable {
    @usableFromInline let kept = Mutex<Value?>(nil)

    public init() {}

    /// The kept value, or `render`'s, which is kept. Two first readers may both render; either
    /// result is the same. Inlinable so that the API's calls are specialized: unspecialized, each
    /// call looked up the generic metadata of its lock (3% of a home page's CPU in a profile).
    @inlinable
    public func get(or render: () -> Value) -> Value {
        if let value = kept.withLock({ $0 }) { return value }
        let made = render()
        kept.withLock { $0 = made }
        return made
    }
}

/// Made from the value it is kept with, so it never tells two values apart: records holding one
/// stay `Equatable` by their fields alone.
extension Rendered: Equatable {
    public static func == (lhs: Rendered, rhs: Rendered) -> Bool { true }
}

/// Roughly what kept JSON adds to a cache entry, for the caches' byte limits.
enum RenderedBytes {
    static let edition = 600
    /// An account's `{"id","username","display_name"}` and a book's `{"id","work_id","title","authors"}`.
    static let summary = 160
    /// A status's own fields besides its texts, which it holds again as JSON.
    static let status = 240
}
