import PalisadeCrypto
@testable import PalisadeP2P
import Testing

@Suite("Handshake")
struct HandshakeTests {
    let alice = makeNodeKey(1)
    let bob = makeNodeKey(2)

    @Test func bothSidesAgreeOnKeysAndIdentities() throws {
        var a = makeHandshake(alice, expecting: bob.id, seed: 10)
        var b = makeHandshake(bob, expecting: nil, seed: 11)
        let (outA, outB) = try completeHandshake(&a, &b)
        #expect(outA.peerID == bob.id)
        #expect(outB.peerID == alice.id)
        #expect(outA.peerKey == bob.publicKey)
        #expect(outA.sendKey == outB.receiveKey)
        #expect(outA.receiveKey == outB.sendKey)
        #expect(outA.sendKey != outA.receiveKey)
        #expect(a.hello.count == WireProtocol.helloSize)
    }

    @Test func expectedIDIsCaseInsensitive() throws {
        var a = makeHandshake(alice, expecting: bob.id.uppercased(), seed: 10)
        var b = makeHandshake(bob, expecting: alice.id, seed: 11)
        _ = try completeHandshake(&a, &b)
    }

    @Test func wrongExpectedIDFails() throws {
        let carol = makeNodeKey(3)
        var a = makeHandshake(alice, expecting: carol.id, seed: 10)
        var b = makeHandshake(bob, expecting: nil, seed: 11)
        let authA = try a.receiveHello(b.hello)
        let authB = try b.receiveHello(a.hello)
        #expect(throws: P2PError.unexpectedPeerID(expected: carol.id, actual: bob.id)) { try a.receiveAuth(authB) }
        // The other side is fine: it accepted any peer.
        #expect(try b.receiveAuth(authA).peerID == alice.id)
    }

    @Test func tamperedSignatureFails() throws {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        let forged = try ForgedPeer(seed: 20, peerHello: a.hello)
        _ = try a.receiveHello(forged.hello)
        var signature = forged.signature(by: bob, session: forged.keys)
        signature[5] ^= 0x01
        #expect(throws: P2PError.badSignature) {
            try a.receiveAuth(forged.seal(nodeKey: bob.publicKey, signature: signature))
        }
    }

    @Test func swappedNodeKeyFails() throws {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        let forged = try ForgedPeer(seed: 20, peerHello: a.hello)
        _ = try a.receiveHello(forged.hello)
        // Bob's valid signature presented under Carol's key.
        let signature = forged.signature(by: bob, session: forged.keys)
        #expect(throws: P2PError.badSignature) {
            try a.receiveAuth(forged.seal(nodeKey: makeNodeKey(3).publicKey, signature: signature))
        }
    }

    @Test func signatureFromAnotherSessionFails() throws {
        // Bob's signature from an earlier session, re-sealed by an attacker who controls the new one.
        var earlier = makeHandshake(alice, expecting: nil, seed: 30)
        let earlierPeer = try ForgedPeer(seed: 31, peerHello: earlier.hello)
        let oldSignature = earlierPeer.signature(by: bob, session: earlierPeer.keys)
        _ = try earlier.receiveHello(earlierPeer.hello)
        _ = try earlier.receiveAuth(earlierPeer.seal(nodeKey: bob.publicKey, signature: oldSignature))

        var a = makeHandshake(alice, expecting: nil, seed: 10)
        let forged = try ForgedPeer(seed: 20, peerHello: a.hello)
        _ = try a.receiveHello(forged.hello)
        #expect(throws: P2PError.badSignature) {
            try a.receiveAuth(forged.seal(nodeKey: bob.publicKey, signature: oldSignature))
        }
    }

    @Test func authBytesReplayedFromAnotherSessionFail() throws {
        var a1 = makeHandshake(alice, expecting: nil, seed: 10)
        var b1 = makeHandshake(bob, expecting: nil, seed: 11)
        _ = try a1.receiveHello(b1.hello)
        let recorded = try b1.receiveHello(a1.hello)

        var a2 = makeHandshake(alice, expecting: nil, seed: 12)
        _ = try a2.receiveHello(b1.hello) // the attacker replays Bob's old hello too
        #expect(throws: P2PError.authDecryptFailed) { try a2.receiveAuth(recorded) }
    }

    @Test func ownSignatureReflectedBackFails() throws {
        // A peer that signs with our role byte (as a reflector of our auth would) is rejected.
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        let forged = try ForgedPeer(seed: 20, peerHello: a.hello)
        _ = try a.receiveHello(forged.hello)
        let wrongRole = bob.privateKey.sign(forged.keys.signedMessage(forLowerSide: !forged.keys.isLowerSide))
        #expect(throws: P2PError.badSignature) {
            try a.receiveAuth(forged.seal(nodeKey: bob.publicKey, signature: wrongRole))
        }
    }

    @Test func flippedAuthCiphertextFails() throws {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        var b = makeHandshake(bob, expecting: nil, seed: 11)
        _ = try a.receiveHello(b.hello)
        var authB = try b.receiveHello(a.hello)
        authB[40] ^= 0x80
        #expect(throws: P2PError.authDecryptFailed) { try a.receiveAuth(authB) }
    }

    @Test func reflectedHelloFails() {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        #expect(throws: P2PError.badEphemeralKey) { try a.receiveHello(a.hello) }
    }

    @Test func lowOrderEphemeralKeyFails() {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        let hello = WireProtocol.magic + versionBytes + Bytes(repeating: 0, count: 32)
        #expect(throws: P2PError.badEphemeralKey) { try a.receiveHello(hello) }
    }

    @Test func badMagicAndVersionFail() {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        var hello = makeHandshake(bob, expecting: nil, seed: 11).hello
        hello[0] = 0x47
        #expect(throws: P2PError.badMagic([0x47, 0x4C, 0x53, 0x44])) { try a.receiveHello(hello) }
        var b = makeHandshake(alice, expecting: nil, seed: 12)
        var future = makeHandshake(bob, expecting: nil, seed: 11).hello
        future[5] = 3
        #expect(throws: P2PError.unsupportedVersion(3)) { try b.receiveHello(future) }
    }

    @Test func wrongLengthsAndOrderFail() throws {
        var a = makeHandshake(alice, expecting: nil, seed: 10)
        #expect(throws: P2PError.handshakeOutOfOrder) { try a.receiveAuth(Bytes(repeating: 0, count: WireProtocol.authSize)) }
        var short = makeHandshake(alice, expecting: nil, seed: 10)
        #expect(throws: P2PError.truncated(have: 10, need: WireProtocol.helloSize)) {
            try short.receiveHello(Bytes(repeating: 0x50, count: 10))
        }
        // A failed handshake stays failed.
        #expect(throws: P2PError.handshakeOutOfOrder) { try short.receiveHello(makeHandshake(bob, expecting: nil, seed: 1).hello) }
        var c = makeHandshake(alice, expecting: nil, seed: 10)
        _ = try c.receiveHello(makeHandshake(bob, expecting: nil, seed: 11).hello)
        #expect(throws: P2PError.truncated(have: 3, need: WireProtocol.authSize)) { try c.receiveAuth([1, 2, 3]) }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(seed: 99)
        for round in 0..<300 {
            var a = makeHandshake(alice, expecting: nil, seed: UInt64(round))
            var hello = WireProtocol.magic + versionBytes
            hello += (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            guard (try? a.receiveHello(hello)) != nil else { continue }
            let junk = (0..<WireProtocol.authSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: P2PError.authDecryptFailed) { try a.receiveAuth(junk) }
        }
    }
}

/// A peer built from the primitives, so tests can send auth messages the real `Handshake` never would.
struct ForgedPeer {
    let hello: Bytes
    let keys: SessionKeys

    init(seed: UInt64, peerHello: Bytes) throws {
        var generator = SeededGenerator(seed: seed)
        let ephemeral = X25519KeyPair(using: &generator)
        hello = WireProtocol.magic + versionBytes + ephemeral.publicKey
        keys = try #require(SessionKeys(ephemeral: ephemeral, peerEphemeral: Bytes(peerHello.suffix(32))))
    }

    func signature(by key: NodeKey, session: SessionKeys) -> Bytes {
        key.privateKey.sign(session.signedMessage(forLowerSide: session.isLowerSide))
    }

    func seal(nodeKey: Ed25519PublicKey, signature: Bytes) -> Bytes {
        ChaCha20Poly1305.seal(nodeKey.bytes + signature, key: keys.send, counter: 0, associatedData: keys.transcript)
    }
}
