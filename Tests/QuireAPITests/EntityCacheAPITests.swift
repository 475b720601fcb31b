import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import Synchronization
import TestSupport
import Testing

/// The in-process caches (`Caches`): a cached read skips its statement, and every write is seen
/// by the very next read in the same process.
@Suite struct EntityCacheAPITests {
    @Test(arguments: TestEngine.all)
    func aCachedProfileSkipsTheUserRowAndAnEditIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine, configure: { $0.sessionCacheTTL = .seconds(60) }) { client, database in
            // setup: caches serving (on PostgreSQL once the listener listens), ada's profile read once
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            try await Self.waitUntilServing(database)
            #expect(try await client.send(.get, "/v1/users/ada", as: bob).status == .ok)
            let hitsBefore = try await MetricsScrape.scrape(client).value("quire_cache_hits_total", ["cache": "users"]) ?? 0

            // call: the same profile again, then after ada edits her name and after an admin grant
            let (cached, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/users/ada", as: bob) }
            #expect(try await client.send(.patch, "/v1/me", as: ada, json: ["display_name": "Ada L."]).status == .ok)
            let edited = try await client.send(.get, "/v1/users/ada", as: bob)
            let reread = try await client.send(.get, "/v1/users/ada", as: bob)

            // check
            #expect(cached.status == .ok)
            #expect(!recorder.statements.contains { $0.contains("username_key") },
                    "a cached profile still read the user: \(recorder.statements)")
            #expect(edited.body.json["display_name"] as? String == "Ada L.")
            #expect(reread.body.json["display_name"] as? String == "Ada L.")
            let hitsAfter = try await MetricsScrape.scrape(client).value("quire_cache_hits_total", ["cache": "users"]) ?? 0
            #expect(hitsAfter >= hitsBefore + 2, "the cached read and the one after the edit's reread")
        }
    }

    @Test(arguments: TestEngine.all)
    func aCachedEditionSkipsItsReadsAndAnEditIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: an edition ada added, read once
            let ada = try await client.signUp("ada")
            try await Self.waitUntilServing(database)
            let added = try await client.send(.post, "/v1/editions", as: ada, json: ["title": "Dune", "authors": ["Frank Herbert"]])
            let id = try #require(added.body.json["id"] as? Int)
            #expect(try await client.send(.get, "/v1/editions/\(id)").status == .ok)

            // call: the same edition again, then after ada retitles it
            let (cached, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/editions/\(id)") }
            #expect(try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["title": "Dune Messiah"]).status == .ok)
            let edited = try await client.send(.get, "/v1/editions/\(id)")

            // check: the cached read ran no statement and kept the authors; the edit shows at once
            #expect(cached.status == .ok)
            #expect(recorder.statements.isEmpty, "a cached edition still ran: \(recorder.statements)")
            #expect((cached.body.json["authors"] as? [[String: Any]])?.first?["name"] as? String == "Frank Herbert")
            #expect(edited.body.json["title"] as? String == "Dune Messiah")
            #expect((edited.body.json["authors"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func aCachedISBNLookupRunsNoStatementAndFollowsTheISBNWhenItChanges(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: an edition with an ISBN, looked up once
            let ada = try await client.signUp("ada")
            try await Self.waitUntilServing(database)
            let added = try await client.send(.post, "/v1/editions", as: ada,
                                              json: ["title": "Dune", "authors": ["Frank Herbert"], "isbn13": "9780441013593"])
            let id = try #require(added.body.json["id"] as? Int)
            #expect(try await client.send(.get, "/v1/isbn/9780441013593").status == .ok)

            // call: the same lookup again; then the edition's ISBN changes, and the old and new are looked up
            let (cached, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/isbn/9780441013593") }
            #expect(try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["isbn13": "9780441172696"]).status == .ok)
            // read by id, so the edition is cached again, now with its new ISBN
            #expect(try await client.send(.get, "/v1/editions/\(id)").status == .ok)
            let old = try await client.send(.get, "/v1/isbn/9780441013593")
            let new = try await client.send(.get, "/v1/isbn/9780441172696")

            // check: answered from memory, and after the change the old ISBN finds nothing
            #expect(cached.status == .ok && cached.body.json["id"] as? Int == id)
            #expect(recorder.statements.isEmpty, "a cached ISBN lookup still ran: \(recorder.statements)")
            #expect(old.status == .notFound)
            #expect(new.status == .ok && new.body.json["id"] as? Int == id)
        }
    }

    /// A profile's counts are cached (lesson 4's counter rows, read once); each kind of write that
    /// moves one, and a counter repair, shows in the very next read. A count moved by a write is
    /// updated in the cache at its commit, not dropped, so that read still runs no statement.
    @Test(arguments: TestEngine.all)
    func aCachedProfileRunsNoStatementAndEachCountItShowsMovesAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada with a book to shelve, her profile read once
            let ada = try await client.signUp("ada")
            let bob = try await client.signUp("bob")
            try await Self.waitUntilServing(database)
            let edition = try await client.addEdition("Kindred", as: ada).int("id") ?? 0
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = try #require(shelves.first { $0["identifier"] as? String == "to-read" }?.int("id"))
            _ = try await client.profile("ada")

            // call and check: the cached read, then each write and the read after it
            let (cached, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/users/ada") }
            #expect(cached.status == .ok)
            #expect(recorder.statements.isEmpty, "a cached profile still ran: \(recorder.statements)")
            let statementFree = { @Sendable () async throws -> [String: Any] in
                let (read, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/users/ada") }
                #expect(recorder.statements.isEmpty, "the profile read after a count moved ran \(recorder.statements)")
                return read.body.json
            }
            try await client.follow("ada", as: bob)
            #expect(try await statementFree().int("followers_count") == 1)
            try await client.follow("bob", as: ada)
            #expect(try await statementFree().int("following_count") == 1)
            try await client.note("a note", as: ada)
            #expect(try await statementFree().int("statuses_count") == 1)
            #expect(try await client.send(.put, "/v1/shelves/\(toRead)/books/\(edition)", as: ada).status.code < 300)
            #expect(try await statementFree().int("to_read_count") == 1)
            #expect(try await client.send(.patch, "/v1/shelves/\(toRead)", as: ada, json: ["privacy": "private"]).status == .ok)
            #expect(try await client.profile("ada")["to_read_count"] == nil)
            #expect(try await client.send(.delete, "/v1/users/ada/follow", as: bob).status.code < 300)
            #expect(try await statementFree().int("followers_count") == 0)

            // a counter that drifted (written behind the counters' back) is read, then repaired
            try await database.write { try await $0.raw("UPDATE user_counts SET statuses = 5 WHERE user_id = \(bind: ada.id)").run() }
            database.caches.empty()
            #expect(try await client.profile("ada", as: ada).int("statuses_count") == 5)
            _ = try await CounterAudit(database: database).run(repair: true)
            #expect(try await client.profile("ada", as: ada).int("statuses_count") == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func aShelfPageTakesCachedEditionsAndAnEditIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: three books on ada's to-read shelf, the first with two authors; only the
            // second one's edition read (cached) before the first page
            let ada = try await client.signUp("ada")
            try await Self.waitUntilServing(database)
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = try #require(shelves.first { $0["identifier"] as? String == "to-read" }?.int("id"))
            var ids: [Int64] = []
            for (title, authors) in [("Good Omens", ["Terry Pratchett", "Neil Gaiman"]), ("Dune", ["Frank Herbert"]), ("Emma", ["Jane Austen"])] {
                let id = try #require(try await client.addEdition(title, authors: authors, as: ada).int("id"))
                #expect(try await client.send(.put, "/v1/shelves/\(toRead)/books/\(id)", as: ada).status.code < 300)
                ids.append(id)
            }
            database.caches.empty()
            #expect(try await client.send(.get, "/v1/editions/\(ids[1])").status == .ok)

            // call: the page with one edition cached, again with all cached, then after an edit
            let first = try await client.send(.get, "/v1/shelves/\(toRead)/books")
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/shelves/\(toRead)/books") }
            #expect(try await client.send(.patch, "/v1/editions/\(ids[0])", as: ada, json: ["title": "Good Omens (revised)"]).status == .ok)
            let edited = try await client.send(.get, "/v1/shelves/\(toRead)/books")

            // check: newest first with their authors in order, cached or not; the warm page read
            // no edition or author; the edit shows at once
            let expected = ["Emma by Jane Austen", "Dune by Frank Herbert", "Good Omens by Terry Pratchett & Neil Gaiman"]
            #expect(Self.shown(first) == expected)
            #expect(Self.shown(warm) == expected)
            #expect(!recorder.statements.contains { $0.contains("editions") || $0.contains("authors") },
                    "a warm shelf page still read its books: \(recorder.statements)")
            #expect(Self.shown(edited).last == "Good Omens (revised) by Terry Pratchett & Neil Gaiman")
        }
    }

    @Test(arguments: TestEngine.all)
    func aRepeatedSearchRunsNoStatementAndEachNewOrEditedEditionIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: two editions matching "dune", searched once
            let ada = try await client.signUp("ada")
            try await Self.waitUntilServing(database)
            let id = try #require(try await client.addEdition("Dune", authors: ["Frank Herbert"], as: ada).int("id"))
            _ = try await client.addEdition("Dune Messiah", authors: ["Frank Herbert", "Brian Herbert"], as: ada)
            #expect(try await client.send(.get, "/v1/search?q=dune").status == .ok)

            // call: the same search again; then after the first is retitled, a new edition matches,
            // and one matches "herbert" only as a prefix (the second tier)
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/search?q=dune") }
            #expect(try await client.send(.patch, "/v1/editions/\(id)", as: ada, json: ["title": "Dune (50th anniversary)"]).status == .ok)
            let edited = try await client.send(.get, "/v1/search?q=dune")
            _ = try await client.addEdition("Children of Dune", authors: ["Frank Herbert"], as: ada)
            let added = try await client.send(.get, "/v1/search?q=dune")
            #expect(Self.shown(try await client.send(.get, "/v1/search?q=herbert")).count == 3)
            _ = try await client.addEdition("Herbertson's Garden", authors: ["Ann Other"], as: ada)
            let prefixed = try await client.send(.get, "/v1/search?q=herbert")

            // check: no statement for a warm page, with the authors; each change in the next search
            #expect(Self.shown(warm) == ["Dune by Frank Herbert", "Dune Messiah by Frank Herbert & Brian Herbert"])
            #expect(recorder.statements.isEmpty, "a warm search ran \(recorder.statements)")
            #expect(Self.shown(edited).first == "Dune (50th anniversary) by Frank Herbert")
            #expect(Self.shown(added) == ["Dune (50th anniversary) by Frank Herbert", "Dune Messiah by Frank Herbert & Brian Herbert",
                                          "Children of Dune by Frank Herbert"])
            #expect(Self.shown(prefixed).last == "Herbertson's Garden by Ann Other")
        }
    }

    @Test(arguments: TestEngine.all)
    func aShelfsFirstPageIsServedFromMemoryButEachChangeAndOnlyItsAudienceSeeIt(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: Dune and Emma on ada's to-read shelf and Kindred on a followers-only shelf
            // of hers; each first page read once, the followers-only one by bob, who follows her
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("ada", as: bob)
            let shelves = try await client.send(.get, "/v1/users/ada/shelves", as: ada).body.json.items
            let toRead = try #require(shelves.first { $0["identifier"] as? String == "to-read" }?.int("id"))
            let read = try #require(shelves.first { $0["identifier"] as? String == "read" }?.int("id"))
            let friends = try #require(try await client.send(.post, "/v1/shelves", as: ada, json: ["name": "Friends", "privacy": "followers"])
                .body.json.int("id"))
            var ids: [String: Int64] = [:]
            for title in ["Dune", "Emma", "Kindred", "Beloved"] { ids[title] = try #require(try await client.addEdition(title, as: ada).int("id")) }
            for (shelf, title) in [(toRead, "Dune"), (toRead, "Emma"), (friends, "Kindred")] {
                #expect(try await client.send(.put, "/v1/shelves/\(shelf)/books/\(ids[title] ?? 0)", as: ada).status.code < 300)
            }
            let (page, friendsPage) = ("/v1/shelves/\(toRead)/books", "/v1/shelves/\(friends)/books")
            #expect(try await client.send(.get, page).status == .ok)
            #expect(try await client.send(.get, friendsPage, as: bob).status == .ok)

            // call: the first page again; the followers-only one by those outside its audience;
            // then after each kind of change to the shelf
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, page) }
            let friendsToNobody = try await client.send(.get, friendsPage)
            let friendsToCyd = try await client.send(.get, friendsPage, as: cyd)
            let cursor = try #require(try await client.send(.get, page + "?limit=1").body.json["next_cursor"] as? String)
            let second = try await client.send(.get, page + "?limit=1&cursor=\(cursor)")
            #expect(try await client.send(.put, "/v1/shelves/\(toRead)/books/\(ids["Beloved"] ?? 0)", as: ada).status.code < 300)
            let shelved = try await client.send(.get, page)
            #expect(try await client.send(.put, "/v1/shelves/\(read)/books/\(ids["Dune"] ?? 0)", as: ada).status.code < 300)
            let moved = try await client.send(.get, page)
            #expect(try await client.send(.delete, "/v1/shelves/\(toRead)/books/\(ids["Emma"] ?? 0)", as: ada).status.code < 300)
            let unshelved = try await client.send(.get, page)
            #expect(try await client.send(.patch, "/v1/shelves/\(friends)", as: ada, json: ["name": "Friends", "privacy": "private"]).status == .ok)
            let privateToBob = try await client.send(.get, friendsPage, as: bob)

            // check: the warm page ran no statement, the followers-only page stayed hidden from
            // nobody and from cyd, a later page still follows its cursor, and each change shows at once
            #expect(warm.body.json.items.map { $0["title"] as? String } == ["Emma", "Dune"])
            #expect(recorder.statements.isEmpty, "a warm first page by nobody signed in ran \(recorder.statements)")
            #expect(friendsToNobody.status == .notFound)
            #expect(friendsToCyd.status == .notFound)
            #expect(second.body.json.items.map { $0["title"] as? String } == ["Dune"])
            #expect(shelved.body.json.items.map { $0["title"] as? String } == ["Beloved", "Emma", "Dune"])
            #expect(moved.body.json.items.map { $0["title"] as? String } == ["Beloved", "Emma"])
            #expect(unshelved.body.json.items.map { $0["title"] as? String } == ["Beloved"])
            #expect(privateToBob.status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func aHomePageTakesCachedStatusesAndEachChangeIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada follows bob and cyd; bob posts three notes, cyd boosts the first; ada's home read once
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            try await client.follow("cyd", as: ada)
            var notes: [Int64] = []
            for body in ["one", "two", "three"] { notes.append(try #require(try await client.post(["type": "note", "body": body], as: bob).int("id"))) }
            #expect(try await client.send(.post, "/v1/statuses/\(notes[0])/boost", as: cyd).status == .ok)
            let home = "/v1/timelines/home?limit=10"
            #expect(try await client.send(.get, home, as: ada).status == .ok)

            // call: the page again, then after an edit of the boosted note, a delete and an unboost
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, home, as: ada) }
            #expect(try await client.send(.patch, "/v1/statuses/\(notes[0])", as: bob, json: ["body": "one, edited"]).status == .ok)
            let edited = try await client.send(.get, home, as: ada)
            #expect(try await client.send(.delete, "/v1/statuses/\(notes[2])", as: bob).status.code < 300)
            let deleted = try await client.send(.get, home, as: ada)
            #expect(try await client.send(.delete, "/v1/statuses/\(notes[0])/boost", as: cyd).status == .ok)
            let unboosted = try await client.send(.get, home, as: ada)
            #expect(try await client.send(.post, "/v1/statuses/\(notes[1])/like", as: ada).status == .ok)
            let liked = try await client.send(.get, home, as: ada)
            #expect(try await client.send(.post, "/v1/statuses/\(notes[0])/boost", as: ada).status == .ok)
            let boosted = try await client.send(.get, home, as: ada)

            // check: the warm page read no status row (only ids) and no count, and each change
            // shows at once, in the boost's copy of the original too
            #expect(Self.bodies(warm) == ["boost of one", "three", "two", "one"])
            #expect(!recorder.statements.contains { $0.contains("content_warning") }, "a warm home page still read statuses: \(recorder.statements)")
            #expect(!recorder.statements.contains { $0.contains("status_counts") }, "a warm home page still read counts: \(recorder.statements)")
            #expect(warm.body.json.items.map { $0.int("boosts_count") } == [1, 0, 0, 1])
            #expect(Self.bodies(edited) == ["boost of one, edited", "three", "two", "one, edited"])
            #expect(Self.bodies(deleted) == ["boost of one, edited", "two", "one, edited"])
            #expect(Self.bodies(unboosted) == ["two", "one, edited"])
            #expect(unboosted.body.json.items.map { $0.int("boosts_count") } == [0, 0])
            #expect(liked.body.json.items.map { $0.int("likes_count") } == [1, 0])
            #expect(liked.body.json.items.map { $0["liked"] as? Bool } == [true, false])
            #expect(Self.bodies(boosted) == ["boost of one, edited", "two", "one, edited"])
            #expect(boosted.body.json.items.map { $0["boosted"] as? Bool } == [true, false, true])
            #expect(boosted.body.json.items.map { $0["liked"] as? Bool } == [false, true, false])
            // The page itself (ada's home head), the broadcasters she follows and her likes and
            // boosts came from memory: no statement at all.
            #expect(recorder.statements.isEmpty, "a warm home page ran \(recorder.statements)")
            #expect(!recorder.statements.contains { Self.readsReactions($0) }, "a warm home page still read likes: \(recorder.statements)")
        }
    }

    @Test(arguments: TestEngine.all)
    func aReadersLikesAndBoostsComeFromMemoryAndEachOfTheirOwnReactionsIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada follows bob, who posts two notes; ada reads her home, bob's statuses and
            // the first note, so what she liked and boosted of them is known
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            let one = try #require(try await client.post(["type": "note", "body": "one"], as: bob).int("id"))
            let two = try #require(try await client.post(["type": "note", "body": "two"], as: bob).int("id"))
            let reads = ["/v1/timelines/home?limit=10", "/v1/users/bob/statuses", "/v1/statuses/\(one)"]
            for path in reads { #expect(try await client.send(.get, path, as: ada).status == .ok) }
            // ada's flags in each read: the home page's and the list's items by body, the status's own
            func flags(_ key: String) async throws -> [[Bool?]] {
                var seen: [[Bool?]] = []
                for path in reads {
                    let json = try await client.send(.get, path, as: ada).body.json
                    seen.append(path == reads[2] ? [json[key] as? Bool] : json.items.map { $0[key] as? Bool })
                }
                return seen
            }

            // call: the reads again, then after each reaction, ada's and cyd's
            let (_, recorder) = try await Self.recordingServed(database) {
                for path in reads { _ = try await client.send(.get, path, as: ada) }
            }
            #expect(try await client.send(.post, "/v1/statuses/\(two)/like", as: ada).status == .ok)
            let liked = try await flags("liked")
            #expect(try await client.send(.post, "/v1/statuses/\(one)/boost", as: ada).status == .ok)
            let boosted = try await flags("boosted")
            #expect(try await client.send(.post, "/v1/statuses/\(one)/like", as: cyd).status == .ok)
            let likedByCyd = try await flags("liked")
            #expect(try await client.send(.delete, "/v1/statuses/\(two)/like", as: ada).status == .ok)
            let unliked = try await flags("liked")
            #expect(try await client.send(.delete, "/v1/statuses/\(one)/boost", as: ada).status == .ok)
            let unboosted = try await flags("boosted")

            // check: the warm reads read none of ada's likes or boosts, and each of her reactions
            // shows at once in every read (her home shows her own boost of one first), cyd's in none
            #expect(!recorder.statements.contains { Self.readsReactions($0) }, "warm reads still read likes: \(recorder.statements)")
            #expect(liked == [[true, false], [true, false], [false]])
            #expect(boosted == [[true, false, true], [false, true], [true]])
            #expect(likedByCyd == [[false, true, false], [true, false], [false]])
            #expect(unliked == [[false, false, false], [false, false], [false]])
            #expect(unboosted == [[false, false], [false, false], [false]])
        }
    }

    @Test(arguments: TestEngine.all)
    func aReadersOwnLikeLeavesWhatIsKnownOfTheirOtherReactionsInMemory(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada follows bob, who posts two notes; ada reads her home and each note, so
            // what she liked and boosted of both is known
            let (ada, bob) = (try await client.signUp("ada"), try await client.signUp("bob"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            let one = try #require(try await client.post(["type": "note", "body": "one"], as: bob).int("id"))
            let two = try #require(try await client.post(["type": "note", "body": "two"], as: bob).int("id"))
            for path in ["/v1/timelines/home?limit=10", "/v1/statuses/\(one)", "/v1/statuses/\(two)"] {
                #expect(try await client.send(.get, path, as: ada).status == .ok)
            }

            // call: ada likes the second note, then reads the first, and then the second
            #expect(try await client.send(.post, "/v1/statuses/\(two)/like", as: ada).status == .ok)
            let (first, firstRecorder) = try await Self.recordingServed(database) {
                try await client.send(.get, "/v1/statuses/\(one)", as: ada)
            }
            let (second, secondRecorder) = try await Self.recordingServed(database) {
                try await client.send(.get, "/v1/statuses/\(two)", as: ada)
            }

            // check: the first note's flags still come from memory; the liked one's are read again
            #expect(first.body.json["liked"] as? Bool == false)
            #expect(!firstRecorder.statements.contains { Self.readsReactions($0) }, "the note not liked read likes: \(firstRecorder.statements)")
            #expect(second.body.json["liked"] as? Bool == true)
            #expect(secondRecorder.statements.contains { Self.readsReactions($0) }, "the liked note's flags were not read: \(secondRecorder.statements)")
        }
    }

    @Test(arguments: TestEngine.all)
    func theBroadcastersAReaderFollowsComeFromMemoryAndEachFollowChangeIsSeenAtOnce(engine: TestEngine) async throws {
        // A fan-out limit of 1 makes anyone with two followers a broadcaster.
        try await withTestApp(engine, configure: { $0.fanoutLimit = 1 }) { client, database in
            // setup: star has posted once; dan follows star and reads his home, as ada and eve
            // (who follow no one) read theirs, so each one's broadcasters are known
            let (star, ada, dan, eve) = (try await client.signUp("star"), try await client.signUp("ada"), try await client.signUp("dan"),
                                         try await client.signUp("eve"))
            try await Self.waitUntilServing(database)
            let early = try #require(try await client.note("early", as: star).int("id"))
            try await client.follow("star", as: dan)
            for reader in [ada, dan, eve] { #expect(try await client.send(.get, "/v1/timelines/home", as: reader).status == .ok) }

            // call: ada's follow makes star a broadcaster, whose next note no home gets a copy of;
            // then eve, her home read again, follows star, dan unfollows, and star blocks ada
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/timelines/home", as: dan) }
            try await client.follow("star", as: ada)
            let late = try #require(try await client.note("late", as: star).int("id"))
            let danAfterFame = try await client.statusIDs("/v1/timelines/home", as: dan)
            let adaAfterFame = try await client.statusIDs("/v1/timelines/home", as: ada)
            let eveBefore = try await client.statusIDs("/v1/timelines/home", as: eve)
            try await client.follow("star", as: eve)
            let eveFollowing = try await client.statusIDs("/v1/timelines/home", as: eve)
            #expect(try await client.send(.delete, "/v1/users/star/follow", as: dan).status.code < 300)
            let danUnfollowed = try await client.statusIDs("/v1/timelines/home", as: dan)
            #expect(try await client.send(.post, "/v1/users/ada/block", as: star).status.code < 300)
            let adaBlocked = try await client.statusIDs("/v1/timelines/home", as: ada)

            // check: the warm page ran no statement, and every change to who follows a
            // broadcaster, or who is one, shows in the next page
            #expect(Self.bodies(warm) == ["early"])
            #expect(recorder.statements.isEmpty, "a warm home page ran \(recorder.statements)")
            #expect(danAfterFame == [late, early])
            #expect(adaAfterFame == [late, early])
            #expect(eveBefore == [])
            #expect(eveFollowing == [late, early])
            #expect(danUnfollowed == [])
            #expect(adaBlocked == [])
        }
    }

    @Test(arguments: TestEngine.all)
    func aFollowOfSomeoneWhoIsNoBroadcasterLeavesTheBroadcastersAReaderFollowsInMemory(engine: TestEngine) async throws {
        // A fan-out limit of 1 makes anyone with two followers a broadcaster.
        try await withTestApp(engine, configure: { $0.fanoutLimit = 1 }) { client, database in
            // setup: ada and eve follow star, a broadcaster so, who posts; bob posts; dan follows
            // star and reads his home
            let (star, bob, dan) = (try await client.signUp("star"), try await client.signUp("bob"), try await client.signUp("dan"))
            let (ada, eve) = (try await client.signUp("ada"), try await client.signUp("eve"))
            try await Self.waitUntilServing(database)
            try await client.follow("star", as: ada)
            try await client.follow("star", as: eve)
            _ = try await client.note("star's", as: star)
            _ = try await client.note("bob's", as: bob)
            try await client.follow("star", as: dan)
            _ = try await client.send(.get, "/v1/timelines/home", as: dan)

            // call: dan follows bob, who is no broadcaster, and reads his home
            try await client.follow("bob", as: dan)
            let (page, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/timelines/home", as: dan) }

            // check: bob's note is in (his home was read again) beside star's, merged in, and
            // the broadcasters dan follows came from memory
            #expect(Self.bodies(page) == ["bob's", "star's"])
            let broadcasterReads = recorder.statements.filter { $0.contains("broadcasters") }
            #expect(broadcasterReads.isEmpty, "the home page read the broadcasters: \(broadcasterReads)")
        }
    }

    @Test(arguments: TestEngine.all)
    func aFollowsCopiedNotesTakeTheirPlacesInTheFollowersKeptFirstPage(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: bob posts "old", ada "mine", bob "new"; cyd boosts dan's note and eve's, then
            // posts; ada blocks dan and reads her first page of two
            let (ada, bob, cyd, dan) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"),
                                        try await client.signUp("dan"))
            let eve = try await client.signUp("eve")
            try await Self.waitUntilServing(database)
            _ = try await client.note("old", as: bob)
            _ = try await client.note("mine", as: ada)
            _ = try await client.note("new", as: bob)
            for author in [dan, eve] {
                let id = try #require(try await client.note("\(author.username)'s", as: author).int("id"))
                #expect(try await client.send(.post, "/v1/statuses/\(id)/boost", as: cyd).status == .ok)
            }
            _ = try await client.note("cyd's", as: cyd)
            #expect(try await client.send(.post, "/v1/users/dan/block", as: ada).status.code < 300)
            func page(_ limit: Int = 2) async throws -> [String] {
                Self.bodies(try await client.send(.get, "/v1/timelines/home?limit=\(limit)", as: ada))
            }
            let before = try await page()

            // call: ada follows bob, who is no broadcaster, and reads her first page; then she
            // follows cyd, whose boosts are copied in, and reads it again
            try await client.follow("bob", as: ada)
            let (followed, recorder) = try await Self.recordingServed(database) { try await page() }
            let longer = try await page(3)
            try await client.follow("cyd", as: ada)
            let boosts = try await page(3)

            // check: bob's newer note took its place and the older one is past the page, without
            // reading ada's home; cyd's note and boost are in, but not the boost of a blocked
            // account's note
            #expect(before == ["mine"])
            #expect(followed == ["new", "mine"])
            let homeReads = recorder.statements.filter { $0.contains("home_entries") }
            #expect(homeReads.isEmpty, "the page after a follow read the home: \(homeReads)")
            #expect(longer == ["new", "mine", "old"])
            #expect(boosts == ["cyd's", "boost of eve's", "new"])
        }
    }

    @Test(arguments: TestEngine.all)
    func aReadersFirstHomePageComesFromMemoryAndEveryChangeToItIsSeenAtOnce(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada follows bob and cyd (not dan); bob posts "one", dan "dan's", which cyd
            // boosts; ada reads her first page
            let (ada, bob, cyd, dan) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"),
                                        try await client.signUp("dan"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            try await client.follow("cyd", as: ada)
            let one = try #require(try await client.note("one", as: bob).int("id"))
            let dans = try #require(try await client.note("dan's", as: dan).int("id"))
            #expect(try await client.send(.post, "/v1/statuses/\(dans)/boost", as: cyd).status == .ok)
            let home = "/v1/timelines/home?limit=10"
            func page(_ path: String = home) async throws -> [String] { Self.bodies(try await client.send(.get, path, as: ada)) }
            _ = try await page()

            // call: the page again (and shorter, and longer), then after each kind of write that
            // changes it: a followed account's post, a direct mention, ada's own post, a block of
            // the boosted account and its end (either way), a boost's original deleted, a status deleted,
            // an unfollow
            let (warm, recorder) = try await Self.recordingServed(database) {
                (try await page(), try await page("/v1/timelines/home?limit=1"), try await page("/v1/timelines/home?limit=20"))
            }
            let two = try #require(try await client.note("two", as: bob).int("id"))
            let posted = try await page()
            _ = try await client.note("psst @ada", privacy: "direct", as: dan)
            let mentioned = try await page()
            _ = try await client.note("mine", as: ada)
            let own = try await page()
            #expect(try await client.send(.post, "/v1/users/dan/block", as: ada).status.code < 300)
            let blocked = try await page()
            #expect(try await client.send(.delete, "/v1/users/dan/block", as: ada).status.code < 300)
            let unblocked = try await page()
            #expect(try await client.send(.post, "/v1/users/ada/block", as: dan).status.code < 300)
            let blockedByDan = try await page()
            #expect(try await client.send(.delete, "/v1/users/ada/block", as: dan).status.code < 300)
            let unblockedByDan = try await page()
            #expect(try await client.send(.delete, "/v1/statuses/\(dans)", as: dan).status.code < 300)
            // (pages short enough that a stale head would end with the status gone, which the
            // response leaves out, and so show one status too few)
            let originalDeleted = try await page("/v1/timelines/home?limit=4")
            #expect(try await client.send(.delete, "/v1/statuses/\(two)", as: bob).status.code < 300)
            let deleted = try await page("/v1/timelines/home?limit=3")
            #expect(try await client.send(.delete, "/v1/users/bob/follow", as: ada).status.code < 300)
            let unfollowed = try await page()
            _ = try await client.note("three", as: bob)
            let notFollowed = try await page()

            // check: the warm pages ran no statement (a shorter page is the head's first rows, and
            // a longer one the whole home when the head holds it all), and each write shows at once
            #expect(warm.0 == ["boost of dan's", "one"])
            #expect(warm.1 == ["boost of dan's"])
            #expect(warm.2 == ["boost of dan's", "one"])
            #expect(recorder.statements.isEmpty, "a warm first home page ran \(recorder.statements)")
            #expect(posted == ["two", "boost of dan's", "one"])
            #expect(mentioned == ["psst @ada", "two", "boost of dan's", "one"])
            #expect(own == ["mine", "psst @ada", "two", "boost of dan's", "one"])
            #expect(blocked == ["mine", "two", "one"])
            #expect(unblocked == ["mine", "psst @ada", "two", "boost of dan's", "one"])
            #expect(blockedByDan == ["mine", "two", "one"])
            #expect(unblockedByDan == unblocked)
            #expect(originalDeleted == ["mine", "psst @ada", "two", "one"])
            #expect(deleted == ["mine", "psst @ada", "one"])
            #expect(unfollowed == ["mine", "psst @ada"])
            #expect(notFollowed == ["mine", "psst @ada"])
        }
    }

    @Test(arguments: TestEngine.all)
    func aNewNoteTakesItsPlaceInTheKeptFirstPagesOfItsReadersWithoutReadingTheirHomes(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada and cyd follow bob, who posts "one"; ada, cyd and bob read their first pages
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            try await client.follow("bob", as: cyd)
            _ = try await client.note("one", as: bob)
            let home = "/v1/timelines/home?limit=2"
            func page(_ reader: APIUser) async throws -> [String] { Self.bodies(try await client.send(.get, home, as: reader)) }
            for reader in [ada, cyd, bob] { _ = try await page(reader) }

            // call: bob posts "two", and each reads their first page; then ada posts "mine" and
            // reads hers
            _ = try await client.note("two", as: bob)
            let (pages, recorder) = try await Self.recordingServed(database) { (try await page(ada), try await page(cyd), try await page(bob)) }
            _ = try await client.note("mine", as: ada)
            let (own, ownRecorder) = try await Self.recordingServed(database) { try await page(ada) }

            // check: each page shows the new note at once, and no statement read a home (the
            // new note's row is read, as the statuses cache doesn't hold it yet)
            #expect(pages.0 == ["two", "one"])
            #expect(pages.1 == ["two", "one"])
            #expect(pages.2 == ["two", "one"])
            #expect(own == ["mine", "two"])
            let homeReads = (recorder.statements + ownRecorder.statements).filter { $0.contains("home_entries") }
            #expect(homeReads.isEmpty, "pages after a new note read the home: \(homeReads)")
        }
    }

    /// Whether a statement reads a viewer's likes or boosts (`ViewerFlags.arms`).
    static func readsReactions(_ sql: String) -> Bool {
        sql.contains("FROM likes l")
    }

    @Test(arguments: TestEngine.all)
    func aStatusTakesItsRowFromTheCacheButOnlyItsAudienceSeesIt(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: bob posts a public note and a followers-only one, cyd boosts the public one;
            // ada follows bob and reads all three, so each is cached
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            let open = try #require(try await client.post(["type": "note", "body": "open"], as: bob).int("id"))
            let closed = try #require(try await client.post(["type": "note", "body": "closed", "privacy": "followers"], as: bob).int("id"))
            #expect(try await client.send(.post, "/v1/statuses/\(open)/boost", as: cyd).status == .ok)
            let boost = try #require(try await client.send(.get, "/v1/users/cyd/statuses?limit=1", as: cyd).body.json.items.first?.int("id"))
            for id in [open, closed, boost] { #expect(try await client.send(.get, "/v1/statuses/\(id)", as: ada).status == .ok) }

            // call: each again, by someone else and by no one; then after an edit and a like
            let (warm, recorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/statuses/\(open)") }
            let closedToNobody = try await client.send(.get, "/v1/statuses/\(closed)")
            let closedToCyd = try await client.send(.get, "/v1/statuses/\(closed)", as: cyd)
            #expect(try await client.send(.patch, "/v1/statuses/\(open)", as: bob, json: ["body": "open, edited"]).status == .ok)
            let edited = try await client.send(.get, "/v1/statuses/\(open)")
            let editedBoost = try await client.send(.get, "/v1/statuses/\(boost)")
            #expect(try await client.send(.post, "/v1/statuses/\(open)/like", as: ada).status == .ok)
            // The like's count is added to the cached counts at its commit, not dropped.
            let (likedToNobody, likedRecorder) = try await Self.recordingServed(database) { try await client.send(.get, "/v1/statuses/\(open)") }
            let liked = try await client.send(.get, "/v1/statuses/\(open)", as: ada)
            let boostToNobody = try await client.send(.get, "/v1/statuses/\(boost)")
            #expect(try await client.send(.delete, "/v1/statuses/\(open)", as: bob).status.code < 300)
            let deletedToNobody = try await client.send(.get, "/v1/statuses/\(open)")
            let deletedBoostToNobody = try await client.send(.get, "/v1/statuses/\(boost)")

            // check: the warm read by nobody signed in ran no statement (a signed-in reader's
            // would still decide who may see it and read their flags), the cached followers-only
            // note stays hidden from those outside its audience, and each change shows at once
            #expect(warm.body.json["body"] as? String == "open")
            #expect(warm.body.json.int("boosts_count") == 1)
            #expect(recorder.statements.isEmpty, "a warm status read by nobody signed in ran \(recorder.statements)")
            #expect(!recorder.statements.contains { $0.contains("content_warning") }, "a warm status still read its row: \(recorder.statements)")
            #expect(!recorder.statements.contains { $0.contains("status_counts") }, "a warm status still read its counts: \(recorder.statements)")
            #expect(closedToNobody.status == .notFound)
            #expect(closedToCyd.status == .notFound)
            #expect(edited.body.json["body"] as? String == "open, edited")
            #expect((editedBoost.body.json["boost_of"] as? [String: Any])?["body"] as? String == "open, edited")
            #expect(likedToNobody.body.json.int("likes_count") == 1)
            #expect(likedRecorder.statements.isEmpty, "the status read by nobody after a like ran \(likedRecorder.statements)")
            #expect(liked.body.json.int("likes_count") == 1)
            #expect(liked.body.json["liked"] as? Bool == true)
            #expect((boostToNobody.body.json["boost_of"] as? [String: Any])?.int("likes_count") == 1)
            #expect(deletedToNobody.status == .notFound)
            #expect(deletedBoostToNobody.status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func statusListsTakeTheirRowsFromTheCacheButOnlyTheirAudienceSeesThem(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: bob reviews a book and posts a followers-only note; cyd replies to the review
            // and boosts it; ada follows bob and reads bob's statuses, cyd's, the review's thread
            // and the work's reviews, so every row is cached
            let (ada, bob, cyd) = (try await client.signUp("ada"), try await client.signUp("bob"), try await client.signUp("cyd"))
            try await Self.waitUntilServing(database)
            try await client.follow("bob", as: ada)
            let book = try await client.addEdition("The Dispossessed", as: bob)
            let review = try #require(try await client.post(["type": "review", "edition_id": book.int("id") ?? 0, "body": "review", "rating": 4],
                                                           as: bob).int("id"))
            _ = try #require(try await client.note("closed", privacy: "followers", as: bob).int("id"))
            _ = try await client.note("reply", as: cyd, replyTo: review)
            #expect(try await client.send(.post, "/v1/statuses/\(review)/boost", as: cyd).status == .ok)
            let lists = ["/v1/users/bob/statuses", "/v1/users/cyd/statuses", "/v1/statuses/\(review)/thread",
                         "/v1/works/\(book.int("work_id") ?? 0)/reviews"]
            for list in lists { #expect(try await client.send(.get, list, as: ada).status == .ok) }

            // call: each list again; bob's by readers outside the note's audience; each after an edit
            // The body returns its responses: `recordingServed` may run it again.
            let (warm, recorder) = try await Self.recordingServed(database) {
                var responses: [TestResponse] = []
                for list in lists { responses.append(try await client.send(.get, list, as: ada)) }
                return responses
            }
            let toNobody = try await client.send(.get, lists[0])
            let toCyd = try await client.send(.get, lists[0], as: cyd)
            #expect(try await client.send(.patch, "/v1/statuses/\(review)", as: bob, json: ["body": "review, edited"]).status == .ok)
            var edited: [TestResponse] = []
            for list in lists { edited.append(try await client.send(.get, list, as: ada)) }

            // check: the warm lists read no status row (only ids) and no count, the cached
            // followers-only note stays out of lists read outside its audience, and the edit shows
            // at once in every list, in the boost's copy too
            #expect(warm.map(Self.bodies) == [["closed", "review"], ["boost of review", "reply"], ["review", "reply"], ["review"]])
            #expect(!recorder.statements.contains { $0.contains("content_warning") }, "a warm list still read statuses: \(recorder.statements)")
            #expect(!recorder.statements.contains { $0.contains("status_counts") }, "a warm list still read counts: \(recorder.statements)")
            #expect(Self.bodies(toNobody) == ["review"])
            #expect(Self.bodies(toCyd) == ["review"])
            #expect(edited.map(Self.bodies) == [["closed", "review, edited"], ["boost of review, edited", "reply"], ["review, edited", "reply"],
                                                ["review, edited"]])
        }
    }

    /// A page of statuses by body, a boost as "boost of" its original's body.
    static func bodies(_ page: TestResponse) -> [String] {
        page.body.json.items.map { item in
            guard let original = item["boost_of"] as? [String: Any] else { return item["body"] as? String ?? "?" }
            return "boost of \(original["body"] as? String ?? "?")"
        }
    }

    @Test(arguments: TestEngine.all)
    func aWriteThatRollsBackLeavesTheCachedValue(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup
            let ada = try await client.signUp("ada")
            try await Self.waitUntilServing(database)
            #expect(try await client.send(.get, "/v1/users/ada").body.json["display_name"] as? String != "Never")

            // call: an edit made in a transaction that then fails
            await #expect(throws: RolledBack.self) {
                try await database.write { db in
                    _ = try await UserQueries.update(ada.id, UserChanges(displayName: "Never", bio: nil, defaultPrivacy: nil, manuallyApprovesFollowers: nil), on: db)
                    throw RolledBack()
                }
            }

            // check: neither the database nor what is served from memory has it
            #expect(try await client.send(.get, "/v1/users/ada").body.json["display_name"] as? String != "Never")
        }
    }

    struct RolledBack: Error {}

    /// A page of editions as "Title by Author & Author", in the page's order.
    static func shown(_ page: TestResponse) -> [String] {
        page.body.json.items.map { item in
            let names = (item["authors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            return "\(item["title"] as? String ?? "?") by \(names.joined(separator: " & "))"
        }
    }

    /// On PostgreSQL the caches serve nothing until the listener is listening.
    /// `StatementRecorder.recording(body)` once the caches serve; again, up to 20 times and a
    /// moment apart, while the caches were behind (a lookup went to the database because the
    /// cache listener's echo came back late: PostgreSQL on a loaded machine,
    /// `Caches.lookupsBehind`) or were emptied (`Caches.timesCleared`), during the body or since
    /// this database's caches were last looked at here: a miss the freshness check made, or an
    /// entry the test's earlier reads could not store then, is not a missing entry, which is what
    /// these tests look for. The body's own reads fill the caches for the next attempt. (5
    /// attempts straight after each other were all behind once, in a full suite on 2 cores; a
    /// test's warming read made while the echo was late failed its warm read under a fuzz run.)
    static func recordingServed<T>(_ database: Database, _ body: () async throws -> T) async throws -> (T, StatementRecorder) {
        var attempt = 1
        while true {
            try await waitUntilServing(database)
            let earlier = looked.withLock { $0[ObjectIdentifier(database)] } ?? [0, 0]
            let result = try await StatementRecorder.recording(body)
            let now = [database.caches.lookupsBehind, database.caches.timesCleared]
            looked.withLock { $0[ObjectIdentifier(database)] = now }
            if now == earlier { return result }
            guard attempt < 20 else {
                print("recordingServed: the caches were behind or emptied in each of \(attempt) attempts; the last one's statements stand")
                return result
            }
            attempt += 1
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Each test database's `Caches.lookupsBehind` and `timesCleared` when `recordingServed`
    /// last looked (both 0 for caches it has not seen: they start there).
    private static let looked = Mutex<[ObjectIdentifier: [Int]]>([:])

    static func waitUntilServing(_ database: Database) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !database.caches.isServing {
            guard ContinuousClock.now < deadline else { throw TestSetupError("the caches never started serving") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
