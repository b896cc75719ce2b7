import PalisadeP2P
import Testing

@Suite("Peer addresses")
struct PeerAddressTests {
    let id = "0123456789abcdef0123456789abcdef01234567"

    @Test func parsesIDHostPort() throws {
        let address = try PeerAddress(parsing: "\(id)@127.0.0.1:26656")
        #expect(address == PeerAddress(id: id, host: "127.0.0.1", port: 26656))
        #expect(address.description == "\(id)@127.0.0.1:26656")
    }

    @Test func acceptsUpperCaseIDsTcpSchemeAndIPv6() throws {
        let upper = try PeerAddress(parsing: " tcp://\(id.uppercased())@node-1.example:1 ")
        #expect(upper == PeerAddress(id: id, host: "node-1.example", port: 1))
        let v6 = try PeerAddress(parsing: "\(id)@[::1]:26656")
        #expect(v6.host == "::1")
        #expect(v6.description == "\(id)@[::1]:26656")
    }

    @Test func rejectsEachMalformedPart() {
        let cases: [(String, PeerAddressError)] = [
            ("127.0.0.1:26656", .missingID("127.0.0.1:26656")),
            ("abc@127.0.0.1:26656", .badIDLength("abc@127.0.0.1:26656", length: 3)),
            ("\(String(repeating: "g", count: 40))@h:1", .badIDCharacters("\(String(repeating: "g", count: 40))@h:1")),
            ("\(id)@127.0.0.1", .missingPort("\(id)@127.0.0.1")),
            ("\(id)@:26656", .badHost("\(id)@:26656")),
            ("\(id)@::1:26656", .badHost("\(id)@::1:26656")),
            ("\(id)@[::1]26656", .missingPort("\(id)@[::1]26656")),
            ("\(id)@h:0", .badPort("\(id)@h:0", port: "0")),
            ("\(id)@h:65536", .badPort("\(id)@h:65536", port: "65536")),
            ("\(id)@h:x1", .badPort("\(id)@h:x1", port: "x1")),
            ("\(id)@h:+1", .badPort("\(id)@h:+1", port: "+1")),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try PeerAddress(parsing: text) }
        }
        #expect(PeerAddressError.badPort("x", port: "0").description.contains("port \"0\""))
    }

    @Test func parsesCometBFTPersistentPeersLists() throws {
        let other = "fedcba9876543210fedcba9876543210fedcba98"
        let peers = try PeerAddress.parseList(" \(id)@10.0.0.1:26656 , ,\(other)@10.0.0.2:26657,")
        #expect(peers == [PeerAddress(id: id, host: "10.0.0.1", port: 26656),
                          PeerAddress(id: other, host: "10.0.0.2", port: 26657)])
        #expect(try PeerAddress.parseList("").isEmpty)
        #expect(throws: PeerAddressError.missingPort("\(other)@10.0.0.2")) {
            try PeerAddress.parseList("\(id)@10.0.0.1:26656,\(other)@10.0.0.2")
        }
    }
}
