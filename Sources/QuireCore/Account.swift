/// The rules an account's fields follow, checked before anything is stored.
public enum AccountRules {
    public static let usernameLength = 3...30
    /// bcrypt reads 72 bytes and ignores the rest, so a longer password would be cut silently.
    public static let passwordBytes = 8...72
    public static let emailMaxLength = 254

    /// Usernames are 3 to 30 of a-z, 0-9 and _; they are unique ignoring case, so the stored key
    /// is the lower-cased form.
    public static func usernameProblem(_ username: String) -> String? {
        guard usernameLength.contains(TextRules.length(username)) else {
            return "must be \(usernameLength.lowerBound) to \(usernameLength.upperBound) characters long"
        }
        guard username.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            return "may contain only letters a-z, digits 0-9 and _"
        }
        return nil
    }

    public static func usernameKey(_ username: String) -> String {
        username.lowercased()
    }

    public static func emailProblem(_ email: String) -> String? {
        guard TextRules.length(email) <= emailMaxLength else { return "must be at most \(emailMaxLength) characters long" }
        if let problem = TextRules.singleLineProblem(email) { return problem }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !email.contains(where: \.isWhitespace)
        else { return "must be an email address such as reader@example.org" }
        return nil
    }

    /// Every character of an accepted password counts: at most 72 bytes, and no control
    /// characters, since bcrypt stops at a NUL ("abc\0defghij" would be stored as "abc") and the
    /// others are never typed on purpose.
    public static func passwordProblem(_ password: String) -> String? {
        guard passwordBytes.contains(password.utf8.count) else {
            return "must be \(passwordBytes.lowerBound) to \(passwordBytes.upperBound) bytes long (UTF-8)"
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return "must not contain control characters such as NUL, tab or line breaks"
        }
        return nil
    }
}

/// Who may see a profile, a shelf or a status.
public enum Privacy: String, Sendable, Codable, CaseIterable {
    case `public`, followers, `private`
}
