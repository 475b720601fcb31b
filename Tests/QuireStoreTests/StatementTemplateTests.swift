import SQLKit
import TestSupport
import Testing
@testable import QuireStore

/// A statement's text is built once per shape and reused with each request's values: what runs
/// must be exactly what building it afresh would have made.
@Suite struct StatementTemplateTests {
    @Test(arguments: TestEngine.all)
    func aTemplatedStatementIsTheStatementBuiltAfresh(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            try await database.read { db in
                // setup: a home page's shape, its parameters twice over (the first builds the text)
                let shape = "test merged \(engine)"
                func build(_ p: [Int64]) -> SQLQueryString {
                    let seek = HomeTimelineQueries.authorSeek("\(bind: p[4])", reader: p[0], above: p[1], below: p[2], limit: Int(p[3]))
                    return HomeTimelineQueries.withFlags("SELECT id, boost_of_id FROM (\(seek)) b0 ORDER BY id DESC LIMIT \(bind: Int(p[3]))", reader: p[0])
                }
                for parameters: [Int64] in [[7, 0, Int64.max, 21, 9], [8, 100, 5_000, 3, 11]] {
                    // call
                    let templated = Self.serialized(StatementTemplate.statement(shape, parameters, on: db, build: build), on: db)
                    let fresh = Self.serialized(build(parameters), on: db)

                    // check: the same text and the same binds, in order
                    #expect(templated.sql == fresh.sql)
                    #expect(templated.binds == fresh.binds)
                }
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func aBuilderThatComputesFromAParameterIsBuiltAfreshEachTime(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            try await database.read { db in
                // setup: a builder binding a value computed from its parameter, which a template can't hold
                let build: ([Int64]) -> SQLQueryString = { p in "SELECT \(bind: p[0] + 1) AS n" }
                for value: Int64 in [1, 41] {
                    // call
                    let statement = StatementTemplate.statement("test computed \(engine)", [value], on: db, build: build)

                    // check: the request's own value, not the first one's
                    #expect(Self.serialized(statement, on: db).binds == ["\(value + 1)"])
                    let read = try await db.raw(statement).first()?.decode(column: "n", as: Int64.self)
                    #expect(read == value + 1)
                }
            }
        }
    }

    private static func serialized(_ query: SQLQueryString, on db: any SQLDatabase) -> (sql: String, binds: [String]) {
        var serializer = SQLSerializer(database: db)
        query.serialize(to: &serializer)
        return (serializer.sql, serializer.binds.map { "\($0)" })
    }
}
