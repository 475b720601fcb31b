/// Failures of the storage layer that a user or operator can act on.
public enum DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration can't work: a bad URL, a missing folder.
    case badConfiguration(String)
    /// The database could not be reached or opened.
    case unavailable(String)
    /// A migration failed; the message names it.
    case migrationFailed(String)
    /// The database answered in a way the code doesn't expect: a bug.
    case unexpected(String)

    public var description: String {
        switch self {
        case .badConfiguration(let message), .unavailable(let message), .migrationFailed(let message), .unexpected(let message): message
        }
    }
}
