@testable import QuireStore
import Testing

/// A key's NOTIFY form (`CacheKey.text`) is read back as the same key by the other processes,
/// and anything else is not read at all: the listener empties its caches rather than guess.
struct CacheKeyTests {
    @Test func everyKeyIsReadBackFromItsText() {
        let keys: [CacheKey] = [
            .user(1), .edition(2), .profileCounts(3), .status(4), .statusCounts(5), .following(7),
            .reacted(reader: 6, status: 60), .reacted(reader: Int64.max, status: Int64.max),
            .home(8), .entered(reader: 9, status: 10, author: 11), .entered(reader: Int64.max, status: 1, author: Int64.max),
            .posted(12), .broadcasters, .shelf(13), .catalog, .session("ab12"),
        ]
        for key in keys { #expect(CacheKey(text: key.text[...]) == key, "\(key.text)") }
    }

    @Test(arguments: ["", "a", "a1", "a1.2", "a1.2.3.4", "a1..3", "ax.2.3", "a1.2.3x", "a.1.2", "m", "m1x", "z1", "t",
                          "r6", "r6.", "r6.60.1", "r.60", "rx.60", "r6.60x", "r6..60"])
    func aTextThatIsNoKeyIsNotRead(text: String) {
        #expect(CacheKey(text: text[...]) == nil)
    }
}
