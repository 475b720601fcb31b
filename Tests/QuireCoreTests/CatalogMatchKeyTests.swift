import QuireCore
import Testing

@Suite struct CatalogMatchKeyTests {
    @Test func spellingsOfOneBookShareAKey() {
        let key = CatalogMatchKey.make(title: "Gideon the Ninth", firstAuthor: "Tamsyn Muir")
        #expect(key == "gideon the ninth|tamsyn muir")
        #expect(CatalogMatchKey.make(title: "Gideon the Ninth (The Locked Tomb #1)", firstAuthor: "TAMSYN  MUIR") == key)
        #expect(CatalogMatchKey.make(title: "Gideon the Ninth: A Novel", firstAuthor: "Tamsyn Muir") == key)
        #expect(CatalogMatchKey.make(title: "  gideon, the ninth!", firstAuthor: "Tamsyn Muir.") == key)
    }

    @Test func accentsAndCaseFoldTheSameWayOutsideASCII() {
        #expect(CatalogMatchKey.make(title: "Pâtisserie at Home", firstAuthor: "Mélanie Dupuis")
                == CatalogMatchKey.make(title: "Patisserie at home", firstAuthor: "Melanie Dupuis"))
        #expect(CatalogMatchKey.make(title: "ÉTÉ", firstAuthor: nil) == "ete|")
    }

    @Test func aTitleOfOnlyPunctuationHasNoKey() {
        #expect(CatalogMatchKey.make(title: "!!!", firstAuthor: "Someone") == nil)
        #expect(CatalogMatchKey.make(title: "(1984)", firstAuthor: "George Orwell") == "1984|george orwell", "a title that is all parenthesis stays")
    }
}
