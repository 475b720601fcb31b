import Foundation
import NIOCore
@testable import QuireAPI
import Testing

@Suite struct JSONWriterTests {
    @Test func writesValidJSONForAwkwardStrings() throws {
        // setup
        let awkward = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 📚 accents éà nul \u{00}"
        var w = JSONWriter(selection: ["keep", "list"], selectionDepth: 1)

        // call
        w.beginObject()
        if w.key("keep") { w.string(awkward) }
        if w.key("dropped") { w.int(Int64(1)) }
        if w.key("list") {
            w.beginArray()
            w.int(Int64(-5)); w.double(4.5); w.double(5); w.bool(true); w.null(); w.string(nil as String?)
            w.endArray()
        }
        w.endObject()

        // check
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: w.buffer)) as? [String: Any])
        #expect(Set(object.keys) == ["keep", "list"])
        #expect(object["keep"] as? String == awkward)
        let list = object["list"] as? [Any] ?? []
        #expect(list.count == 6)
        #expect((list[0] as? NSNumber)?.int64Value == -5)
        #expect((list[1] as? NSNumber)?.doubleValue == 4.5)
        #expect((list[2] as? NSNumber)?.doubleValue == 5)
        #expect(list[4] is NSNull)
    }
}
