import QuireStore
import Testing

@Suite struct DatabaseURLTests {
    @Test func parsesSQLiteAndPostgresURLs() throws {
        #expect(try DatabaseURL(parsing: "sqlite:///var/lib/quire/quire.sqlite") == .sqlite(path: "/var/lib/quire/quire.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite://./quire.sqlite") == .sqlite(path: "./quire.sqlite"))
        #expect(try DatabaseURL(parsing: "postgres://quire:secret@db:5432/quire").engine == .postgres)
    }

    @Test func rejectsWhatCannotWork() {
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: "mysql://db/quire") }
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: "sqlite://") }
        #expect(throws: DatabaseError.self) { try DatabaseURL(parsing: "postgres://") }
    }

    @Test func hidesThePasswordWhenShown() throws {
        let url = try DatabaseURL(parsing: "postgres://quire:secret@db:5432/quire")
        #expect(!url.description.contains("secret"))
        #expect(url.description.contains("db:5432"))
    }
}
