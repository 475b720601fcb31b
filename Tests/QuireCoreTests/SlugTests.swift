import QuireCore
import Testing

@Suite struct SlugTests {
    @Test(arguments: [
        ("To Read", "to-read"),
        ("  Café Reads: 2024!  ", "cafe-reads-2024"),
        ("Crème brûlée & Ñandú", "creme-brulee-nandu"),
        ("sci-fi -- fantasy", "sci-fi-fantasy"),
        ("---Already-Slugged---", "already-slugged"),
        ("ＦＵＬＬ Width", "full-width"),
    ])
    func namesBecomeSlugs(name: String, slug: String) {
        #expect(Slug.make(name) == slug)
    }

    @Test(arguments: ["", "   ", "!!!", "📚📖", "книги"])
    func nothingLeftGivesShelf(name: String) {
        #expect(Slug.make(name) == "shelf")
    }

    @Test func longNamesAreCutWithoutATrailingDash() {
        let name = String(repeating: "a", count: 59) + " bcdef"

        let slug = Slug.make(name)

        #expect(slug == String(repeating: "a", count: 59))
        #expect(Slug.make(String(repeating: "word ", count: 40)).count <= 60)
    }
}
