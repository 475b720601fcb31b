import HummingbirdBcrypt
import Synchronization

/// The bcrypt hash a login checks when the username is unknown, so that a wrong username costs as
/// long as a wrong password and the timing doesn't tell which accounts exist. It has the
/// configured cost, as real hashes do, and is made once per process and cost.
enum DecoyHash {
    private static let hashes = Mutex<[UInt8: String]>([:])

    /// Blocks while the first hash of a cost is made, so call it off the event loops (on the
    /// thread pool, beside the check it is for). Made under the lock: the first callers wait for
    /// one hash instead of each making their own.
    static func hash(cost: UInt8) -> String {
        hashes.withLock { hashes in
            if let hash = hashes[cost] { return hash }
            let hash = Bcrypt.hash("decoy password", cost: cost)
            hashes[cost] = hash
            return hash
        }
    }
}
