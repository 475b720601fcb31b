import Foundation
import Hummingbird
import HummingbirdTesting
import QuireStore
import TestSupport
import Testing

/// Settings, follow requests, notifications and the administrators' jobs page.
@Suite struct AccountPagesTests {
    @Test(arguments: TestEngine.all)
    func settingsFollowRequestsAndNotificationsThroughThePages(engine: TestEngine) async throws {
        try await withTestApp(engine) { client, database in
            // setup: ada and bob signed in through the pages
            var ada = WebBrowser(client)
            try await ada.signUp("ada")
            var bob = WebBrowser(client)
            try await bob.signUp("bob")

            // call: ada approves followers by hand; bob asks to follow; ada approves; bob likes her note
            let saved = try await ada.post("/settings", ["display_name": "Ada L.", "bio": "Reads at night.", "default_privacy": "followers",
                                                          "manually_approves_followers": "on"])
            let badSave = try await ada.post("/settings", ["display_name": "two\nlines", "default_privacy": "public"])
            _ = try await bob.post("/user/ada/follow", [:])
            let requests = try await ada.get("/follow-requests")
            let approved = try await ada.post("/follow-requests/bob/approve", [:])
            let bobSeesAda = try await bob.get("/user/ada")
            let note = try await ada.post("/status", ["body": "Night reading", "privacy": "public"])
            let noteID = Int64((note.headers[.location] ?? "").split(separator: "/").last ?? "") ?? 0
            _ = try await bob.post("/status/\(noteID)/like", ["back": "/"])
            let notifications = try await ada.get("/notifications")
            _ = try await ada.post("/notifications/read", [:])
            let afterRead = try await ada.get("/notifications")
            let jobs = try await ada.get("/admin/jobs")
            _ = try await database.write { try await UserQueries.grantAdmin(username: "ada", on: $0) }
            var admin = WebBrowser(client)
            try await admin.signIn("ada")
            let adminJobs = try await admin.get("/admin/jobs")

            // check
            #expect(saved.status == .ok)
            #expect(saved.html.contains("Saved."))
            #expect(saved.html.contains("value=\"Ada L.\"") && saved.html.contains("Reads at night."))
            #expect(badSave.status == .badRequest)
            #expect(badSave.html.contains("display_name"))
            #expect(requests.html.contains("/follow-requests/bob/approve"))
            #expect(approved.status == .seeOther)
            #expect(bobSeesAda.html.contains("Unfollow"))
            #expect(notifications.html.contains("followed you") || notifications.html.contains("asked to follow you"))
            #expect(notifications.html.contains("liked your status"))
            #expect(notifications.html.contains("href=\"/status/\(noteID)\""))
            #expect(!notifications.html.contains("0 unread"))
            #expect(afterRead.html.contains("0 unread"))
            #expect(jobs.status == .forbidden)
            #expect(adminJobs.status == .ok)
            #expect(adminJobs.html.contains("<h1>Jobs</h1>"))
        }
    }
}
