import Foundation
@testable import QuireStore
import Testing

/// The lists stored as JSON text (an edition's languages and publishers): the hand-read fast path
/// gives what JSONDecoder gives, and leaves every other text to it.
@Suite struct JSONListTests {
    @Test(arguments: [
        #"["en"]"#, #"["en","fr"]"#, "[]", #" [ "en" , "fr" ] "#, #"["Gallimard","Éditions du Seuil","東京創元社"]"#,
        #"[""]"#, #"["a\"b"]"#, #"["a\/b","c\u00e9"]"#, #"["a\\"]"#,
    ])
    func aListReadsBackAsJSONDecoderReadsIt(text: String) throws {
        // setup: what Foundation reads from the same text
        let expected = try JSONDecoder().decode([String].self, from: Data(text.utf8))

        // call
        let list = JSONList.decode(text)

        // check
        #expect(list == expected)
    }

    @Test func everyWrittenListReadsBack() {
        // setup: lists with what JSONEncoder escapes (quotes, slashes, control characters)
        let lists = [["en"], ["Penguin / Random House", "O\"Reilly", "tab\there", "new\nline"], ["ü", "📚"]]

        for list in lists {
            // call
            let text = JSONList.encode(list)

            // check
            #expect(JSONList.decode(text) == list)
        }
    }

    @Test(arguments: [#"["en""#, #"["en"]x"#, "[1]", #"{"a":"b"}"#, "", "null", #"["en" "fr"]"#])
    func textThatIsNotAListOfStringsReadsAsEmpty(text: String) {
        // call / check: as JSONDecoder refuses it, nothing is made up
        #expect(JSONList.decode(text) == [])
    }

    @Test func aMissingListIsEmpty() {
        #expect(JSONList.decode(nil) == [])
    }
}
