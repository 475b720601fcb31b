/// The reverse proxies whose `X-Forwarded-For` is believed (QUIRE_TRUSTED_PROXIES). Anyone can
/// write that header, so it names the client only when the connection comes from one of these.
public struct TrustedProxies: Sendable, Equatable {
    let ranges: [IPRange]

    /// None: the connection's own address is the client's.
    public init() { ranges = [] }

    /// Comma-separated addresses or CIDR ranges: `10.0.0.5, 172.16.0.0/12, fd00::/8`.
    public init(parsing list: String) throws(TrustedProxiesError) {
        var ranges: [IPRange] = []
        for item in list.split(separator: ",") {
            let item = item.trimmingSpaces
            guard !item.isEmpty else { continue }
            guard let range = IPRange(item) else { throw TrustedProxiesError(item: String(item)) }
            ranges.append(range)
        }
        self.ranges = ranges
    }

    func contains(_ address: IPAddress) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The client a request is from: the connection's peer, unless that is a trusted proxy; then
    /// the right-most `X-Forwarded-For` entry that is not itself a trusted proxy, since each proxy
    /// appends the address it was connected from and everything left of our own proxies' entries
    /// was written by the client. nil when the peer has no IP address (nothing to go by).
    func client(peer: String?, forwardedFor: [String]) -> IPAddress? {
        guard var client = peer.flatMap({ IPAddress($0) }) else { return nil }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            guard contains(client) else { break }
            // An entry that is no address was not written by a proxy we trust: stop at the last one that was.
            guard let address = IPAddress(hop) else { break }
            client = address
        }
        return client
    }
}

/// QUIRE_TRUSTED_PROXIES named something that is neither an address nor a CIDR range.
public struct TrustedProxiesError: Error, CustomStringConvertible, Sendable {
    let item: String
    public var description: String {
        "must be comma-separated IP addresses or CIDR ranges such as 10.0.0.0/8, got \(item)"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
