import Crypto
import Foundation

/// The SHA-256 hex digest the server stores for a token.
public func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
