@testable import QuireAPI
import Testing

@Suite struct TrustedProxiesTests {
    @Test func theClientIsTheRightMostForwardedAddressThatIsNotATrustedProxy() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.0.2.1 ,fd00::/8")
        func client(_ peer: String?, _ header: [String]) -> String? { proxies.client(peer: peer, forwardedFor: header)?.description }
        #expect(client("10.1.2.3", ["198.51.100.1, 203.0.113.9"]) == "203.0.113.9", "what the client wrote is ignored")
        #expect(client("10.1.2.3", ["203.0.113.9, 10.0.0.7", "192.0.2.1"]) == "203.0.113.9", "through two proxies, two header lines")
        #expect(client("198.51.100.1", ["203.0.113.9"]) == "198.51.100.1", "an untrusted peer's header is ignored")
        #expect(client("::ffff:10.1.2.3", ["203.0.113.9:4711"]) == "203.0.113.9")
        #expect(client("fd00::5", ["[2001:db8::1]:443"]) == "2001:db8::1")
        #expect(client("10.1.2.3", []) == "10.1.2.3")
        #expect(client("10.1.2.3", ["not an address, 10.0.0.7"]) == "10.0.0.7")
        #expect(client(nil, ["203.0.113.9"]) == nil)
        #expect(TrustedProxies().client(peer: "10.1.2.3", forwardedFor: ["203.0.113.9"])?.description == "10.1.2.3")
    }

    @Test func anythingButAddressesAndRangesIsRefused() {
        for bad in ["10.0.0.0/33", "proxy.example.org", "10.0.0.1/", "::1/129", "10.0.0.1, nope"] {
            #expect(throws: TrustedProxiesError.self, "\(bad)") { try TrustedProxies(parsing: bad) }
        }
    }
}
