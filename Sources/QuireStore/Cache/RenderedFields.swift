import NIOCore
import Synchronization

/// The API's JSON of a value kept in a cache, made the first time a response shows the value and
/// kept beside it: a search page writes the same editions for every reader, and writing 19 of
/// them field by field (escaping, dates) was 15% of a cached search's CPU in a profile, and
/// with them kept a cached search served about twice the requests a second. It is made from the
/// value it is kept with and nothing else, and goes when the value does, so it is never older
/// than what it shows.
public final class RenderedFields: Sendable {
    private let bytes = Mutex<ByteBuffer?>(nil)

    public init() {}

    /// The kept bytes, or `render`'s, which are kept. Two first readers may both render; either
    /// result is the same.
    public func get(or render: () -> ByteBuffer) -> ByteBuffer {
        if let kept = bytes.withLock({ $0 }) { return kept }
        let made = render()
        bytes.withLock { $0 = made }
        return made
    }

    /// Roughly what the kept JSON of an edition adds to a cache entry.
    static let editionBytes = 600
}
