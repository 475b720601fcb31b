/// The four shelves every user has. An edition is on at most one of them at a time.
public enum DefaultShelf: String, Sendable, CaseIterable, Codable {
    case toRead = "to-read"
    case reading
    case read
    case stoppedReading = "stopped-reading"

    public var name: String {
        switch self {
        case .toRead: "To Read"
        case .reading: "Currently Reading"
        case .read: "Read"
        case .stoppedReading: "Stopped Reading"
        }
    }
}

/// Limits on what a user may call a custom shelf.
public enum ShelfRules {
    public static let nameLength = 1...100
    public static let maxCustomShelves = 200
}
