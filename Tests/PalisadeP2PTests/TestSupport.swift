import PalisadeCrypto
@testable import PalisadeP2P

/// A seeded generator (SplitMix64) so that every key and byte in these tests is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func makeNodeKey(_ seed: UInt64) -> NodeKey {
    var generator = SeededGenerator(seed: seed)
    return NodeKey.generate(using: &generator)
}

func makeHandshake(_ key: NodeKey, expecting peerID: String?, seed: UInt64) -> Handshake {
    var generator = SeededGenerator(seed: seed)
    return Handshake(nodeKey: key, expectedPeerID: peerID, using: &generator)
}

/// Runs both sides of a handshake in memory.
func completeHandshake(_ a: inout Handshake, _ b: inout Handshake) throws -> (HandshakeOutcome, HandshakeOutcome) {
    let authA = try a.receiveHello(b.hello)
    let authB = try b.receiveHello(a.hello)
    return (try a.receiveAuth(authB), try b.receiveAuth(authA))
}

/// Deterministic message contents for index `index`, so the receiver can check every byte.
func payload(index: Int, size: Int) -> Bytes {
    var bytes = Bytes(repeating: 0, count: size)
    var value = UInt8(truncatingIfNeeded: index &* 31)
    for position in bytes.indices {
        bytes[position] = value
        value &+= 7
    }
    return bytes
}

/// The hello's version field for the protocol version this build speaks.
let versionBytes: Bytes = [UInt8(WireProtocol.version >> 8), UInt8(WireProtocol.version & 0xff)]
