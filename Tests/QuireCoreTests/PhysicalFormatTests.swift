import QuireCore
import Testing

/// Other services' words for a format become the API's: what imports store is what the API
/// documents.
@Suite struct PhysicalFormatTests {
    @Test(arguments: [
        ("Hardcover", "hardcover"), ("Library Binding", "hardcover"), ("Hardback", "hardcover"),
        ("Paperback", "paperback"), ("Mass Market Paperback", "paperback"), ("Trade Paperback", "paperback"), ("softcover", "paperback"),
        ("Kindle Edition", "ebook"), ("ebook", "ebook"), ("EBook", "ebook"), ("Nook", "ebook"), ("digital", "ebook"),
        ("Audible Audio", "audiobook"), ("Audio CD", "audiobook"), ("AudiobookFormat", "audiobook"), ("MP3 CD", "audiobook"),
        ("GraphicNovel", "graphic_novel"), ("graphic novel", "graphic_novel"), ("Comic", "graphic_novel"),
        ("graphic_novel", "graphic_novel"), ("other", "other"), ("Board book", "other"), ("—", "other"), ("Unknown Binding", "other"),
    ])
    func anotherServicesWordIsOneOfTheAPIs(word: String, format: String) {
        #expect(PhysicalFormat.named(word) == format)
        #expect(PhysicalFormat.all.contains(format))
    }

    @Test func noWordIsNoFormat() {
        #expect(PhysicalFormat.named("") == nil)
        #expect(PhysicalFormat.named("  ") == nil)
    }
}
