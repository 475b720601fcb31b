import QuireCore
import SQLKit

extension Seeder {
    /// Shelvings spread evenly over the users, each on one of the user's default shelves, each
    /// edition at most once per user; then the counter rows, written once with their final values.
    func seedShelvings(base: [String: Int64], editionWorks: [Int32], progress: Progress) async throws -> Int {
        guard plan.shelvings == 0 || (plan.users > 0 && plan.editions > 0) else {
            throw DatabaseError.badConfiguration("--shelvings needs --users and --editions")
        }
        guard plan.users == 0 || plan.shelvings == 0 || plan.shelvings / plan.users < plan.editions else {
            throw DatabaseError.badConfiguration("--shelvings per user must be fewer than --editions")
        }
        let (userBase, shelfBase, workBase, editionBase) = (base["users"]!, base["shelves"]!, base["works"]!, base["editions"]!)
        var shelfBooks = [Int32](repeating: 0, count: plan.users * 4)
        var workUsers = [Int32](repeating: 0, count: plan.works)
        var nextID = base["shelf_books"]! + 1
        var written = 0
        var user = 0
        let now = Timestamp.microsecondsNow()
        while user < plan.users {
            // One transaction's worth of users, planned here and written below.
            var batchBooks: [[any Encodable & Sendable]] = []
            var batchWorks: [[any Encodable & Sendable]] = []
            while user < plan.users, batchBooks.count < rowsPerTransaction {
                var random = SeedRandom.forItem(plan.seed, 6, user)
                let count = plan.shelvings / plan.users + (user < plan.shelvings % plan.users ? 1 : 0)
                var editions = Set<Int32>()
                var works: [Int32: Int] = [:]
                let userID = userBase + Int64(user) + 1
                for position in 0..<count {
                    var edition = Int32(random.next() % UInt64(plan.editions))
                    while !editions.insert(edition).inserted { edition = Int32(random.next() % UInt64(plan.editions)) }
                    let shelf = Int(random.next() % 4)
                    shelfBooks[user * 4 + shelf] += 1
                    let work = editionWorks[Int(edition)]
                    works[work, default: 0] += 1
                    batchBooks.append([nextID, shelfBase + Int64(user * 4 + shelf) + 1, editionBase + Int64(edition) + 1, userID,
                                       workBase + Int64(work) + 1, now - Int64(count - position) * 1_000_000])
                    nextID += 1
                }
                for (work, n) in works.sorted(by: { $0.key < $1.key }) {
                    workUsers[Int(work)] += 1
                    batchWorks.append([userID, workBase + Int64(work) + 1, n])
                }
                user += 1
            }
            let (books, works) = (batchBooks, batchWorks)
            try await write { db in
                var insertBooks = BulkInsert("shelf_books", ["id", "shelf_id", "edition_id", "user_id", "work_id", "shelved_at"])
                for row in books { try await insertBooks.add(row, on: db) }
                try await insertBooks.flush(on: db)
                var insertWorks = BulkInsert("user_work_shelvings", ["user_id", "work_id", "n"])
                for row in works { try await insertWorks.add(row, on: db) }
                try await insertWorks.flush(on: db)
            }
            written += books.count + works.count
            progress("shelvings", user, plan.users)
        }
        return written + (try await writeCounters(shelfBooks: shelfBooks, workUsers: workUsers, base: base, progress: progress))
    }

    private func writeCounters(shelfBooks: [Int32], workUsers: [Int32], base: [String: Int64], progress: Progress) async throws -> Int {
        let (userBase, shelfBase, workBase) = (base["users"]!, base["shelves"]!, base["works"]!)
        try await inBatches(plan.users, rowsPerItem: 5, { range, db in
            var users = BulkInsert("user_counts", ["user_id", "books_to_read", "books_reading", "books_read", "books_stopped_reading"])
            var shelves = BulkInsert("shelf_counts", ["shelf_id", "books"])
            for index in range {
                let counts = (0..<4).map { Int64(shelfBooks[index * 4 + $0]) }
                try await users.add([userBase + Int64(index) + 1, counts[0], counts[1], counts[2], counts[3]], on: db)
                for (offset, n) in counts.enumerated() where n > 0 {
                    try await shelves.add([shelfBase + Int64(index * 4 + offset) + 1, n], on: db)
                }
            }
            try await users.flush(on: db)
            try await shelves.flush(on: db)
        }, progress: { progress("counters", $0, plan.users) })
        try await inBatches(plan.works, rowsPerItem: 1, { range, db in
            var works = BulkInsert("work_counts", ["work_id", "shelved_users"])
            for index in range where workUsers[index] > 0 {
                try await works.add([workBase + Int64(index) + 1, Int64(workUsers[index])], on: db)
            }
            try await works.flush(on: db)
        }, progress: { progress("work counters", $0, plan.works) })
        return plan.users + shelfBooks.count { $0 > 0 } + workUsers.count { $0 > 0 }
    }
}
