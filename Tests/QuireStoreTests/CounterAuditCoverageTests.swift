import QuireCore
@testable import QuireStore
import SQLKit
import TestSupport
import Testing

/// `quire counters check|repair` finds and fixes drift in every counter it knows: the families
/// come from the audit's own list, so a family added later is covered here without a word.
@Suite struct CounterAuditCoverageTests {
    /// The columns naming one stored counter row, by table; `shard` is not part of a drift's key.
    /// A family on a table not listed here fails the test until it is added.
    static let rowKeys: [String: [String]] = [
        "shelf_counts": ["shelf_id"], "user_counts": ["user_id"], "user_work_shelvings": ["user_id", "work_id"],
        "work_counts": ["work_id"], "user_shard_counts": ["user_id", "shard"], "status_counts": ["status_id", "shard"],
    ]

    /// Two ways a stored counter goes wrong: one row too high, or every row of the key zeroed
    /// (the stored side then has nothing at all for it).
    enum Corruption: CaseIterable { case tooHigh, zeroed }

    /// Shelvings, statuses of every privacy, replies, reviews, boosts, likes and follows, and one
    /// unread notification (the seeder notifies nobody): every family has a non-zero counter.
    static func seed(_ database: Database) async throws {
        var plan = SeedPlan()
        (plan.users, plan.authors, plan.works, plan.editions, plan.shelvings, plan.seed) = (12, 4, 8, 16, 80, 3)
        (plan.statuses, plan.boosts, plan.likes, plan.followsPerUser) = (150, 30, 80, 3)
        _ = try await Seeder(database: database, plan: plan).run()
        try await database.write { db in
            guard let late = try await UserQueries.create(NewUser(username: "latecomer", email: nil, passwordHash: nil), on: db),
                  let target = try await UserQueries.find(ids: [1], on: db)[1]
            else { throw TestSetupError("no users to follow") }
            try await FollowQueries.follow(late.id, target, fanoutLimit: TimelineRules.defaultFanoutLimit, on: db)
        }
    }

    @Test(arguments: TestEngine.all)
    func everyCounterFamilysDriftIsFoundAndRepaired(engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database in
            // setup
            try await Self.seed(database)
            let clean = try await CounterAudit(database: database).run(repair: false)
            try #require(clean.isEmpty, "the seed drifted already: \(clean.prefix(5))")

            for family in CounterFamily.all {
                for corruption in Corruption.allCases {
                    let parts = family.name.split(separator: ".").map(String.init)
                    let (table, column) = (parts[0], parts[1])
                    guard let rowKey = Self.rowKeys[table] else {
                        Issue.record("\(family.name): no recipe for corrupting a row of \(table); add its key columns to rowKeys")
                        continue
                    }
                    let key = rowKey.filter { $0 != "shard" }
                    let row = try await database.read { db in
                        try await db.raw("""
                            SELECT \(unsafeRaw: rowKey.joined(separator: ", ")) FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) <> 0
                            ORDER BY \(unsafeRaw: rowKey.joined(separator: ", ")) LIMIT 1
                            """).first()
                    }
                    guard let row else {
                        Issue.record("\(family.name): the seed leaves every counter at 0; give the fixture one")
                        continue
                    }
                    let rowValues = try rowKey.map { try row.decode(column: $0, as: Int64.self) }
                    let keyValues = Array(rowValues.prefix(key.count))
                    let actual = try await database.read { db in
                        try await db.raw("""
                            SELECT CAST(SUM(\(unsafeRaw: column)) AS BIGINT) AS n FROM \(unsafeRaw: table) WHERE \(Self.matching(key, keyValues))
                            """).first()?.decode(column: "n", as: Int64.self) ?? 0
                    }
                    let stored: Int64
                    switch corruption {
                    case .tooHigh:
                        stored = actual + 7
                        try await database.write { db in
                            try await db.raw("""
                                UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(unsafeRaw: column) + 7 WHERE \(Self.matching(rowKey, rowValues))
                                """).run()
                        }
                    case .zeroed:
                        stored = 0
                        try await database.write { db in
                            try await db.raw("UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = 0 WHERE \(Self.matching(key, keyValues))").run()
                        }
                    }

                    // call
                    let found = try await CounterAudit(database: database).run(repair: false)
                    let repaired = try await CounterAudit(database: database).run(repair: true)
                    let after = try await CounterAudit(database: database).run(repair: false)

                    // check
                    let expected = [CounterDrift(counter: family.name, key: keyValues, stored: stored, actual: actual)]
                    #expect(found == expected, "\(family.name) \(corruption)")
                    #expect(repaired == expected, "\(family.name) \(corruption)")
                    #expect(after.isEmpty, "\(family.name) \(corruption): still drifting after the repair: \(after)")
                }
            }
        }
    }

    /// `a = $1 AND b = $2` for the columns and their values.
    static func matching(_ columns: [String], _ values: [Int64]) -> SQLQueryString {
        var query = SQLQueryString("")
        for (index, (column, value)) in zip(columns, values).enumerated() {
            if index > 0 { query.appendLiteral(" AND ") }
            query.appendLiteral(column)
            query.appendLiteral(" = ")
            query.appendInterpolation(bind: value)
        }
        return query
    }
}
