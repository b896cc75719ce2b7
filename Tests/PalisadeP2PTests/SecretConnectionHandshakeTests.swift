import PalisadeCrypto
@testable import PalisadeP2P
import Testing

func makeEd25519Key(_ seed: UInt64) -> Ed25519PrivateKey {
    var generator = SeededGenerator(seed: seed)
    return Ed25519PrivateKey.generate(using: &generator)
}

func makeSecretHandshake(_ key: Ed25519PrivateKey, seed: UInt64) -> SecretConnectionHandshake {
    var generator = SeededGenerator(seed: seed)
    return SecretConnectionHandshake(privateKey: key, using: &generator)
}

/// The bytes to send and the connection, if any, among a handshake step's directives.
func split(_ directives: [SecretConnectionHandshake.Directive]) -> (sent: Bytes, connection: SecretConnection?) {
    var sent = Bytes(), connection: SecretConnection?
    for directive in directives {
        switch directive {
        case .send(let bytes): sent += bytes
        case .established(let established): connection = established
        }
    }
    return (sent, connection)
}

/// A peer built by hand from the wire format, to send what an honest handshake never would.
struct HandBuiltPeer {
    let ephemeral: X25519KeyPair
    let key: Ed25519PrivateKey

    init(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        ephemeral = X25519KeyPair(using: &generator)
        key = Ed25519PrivateKey.generate(using: &generator)
    }

    /// `BytesValue{value: key}`, length-delimited: 0x22, then field 1 of 32 bytes.
    static func hello(_ ephemeralKey: Bytes) -> Bytes { [0x22, 0x0a, 0x20] + ephemeralKey }

    var hello: Bytes { Self.hello(ephemeral.publicKey) }

    /// `AuthSigMessage{pub_key: {<field> : key}, sig}`, length-delimited, sealed in frame 0.
    func auth(remoteHello: Bytes, keyField: UInt8 = 0x0a, sign: (Bytes) -> Bytes) throws -> Bytes {
        let remote = Bytes(remoteHello.dropFirst(3))
        let keys = try #require(SecretConnectionKeys(ephemeral: ephemeral, remoteEphemeralKey: remote))
        let publicKey: Bytes = [keyField, 0x20] + key.publicKey.bytes
        let signature = sign(keys.challenge)
        let body: Bytes = [0x0a, UInt8(publicKey.count)] + publicKey + [0x12, UInt8(signature.count)] + signature
        var sealer = SecretFrameSealer(key: keys.send)
        return try sealer.seal([UInt8(body.count)] + body)
    }
}

@Suite struct SecretConnectionHandshakeTests {
    let keyA = makeEd25519Key(1), keyB = makeEd25519Key(2)

    func connect() throws -> (SecretConnection, SecretConnection) {
        var a = makeSecretHandshake(keyA, seed: 10), b = makeSecretHandshake(keyB, seed: 20)
        let authA = split(try a.receive(b.hello)).sent
        let authB = split(try b.receive(a.hello)).sent
        #expect(authA.count == SecretFrame.sealedSize)
        let connectionA = try #require(split(try a.receive(authB)).connection)
        let connectionB = try #require(split(try b.receive(authA)).connection)
        return (connectionA, connectionB)
    }

    @Test func establishesWithEachOthersKeys() throws {
        let (a, b) = try connect()
        #expect(a.remotePublicKey == keyB.publicKey)
        #expect(b.remotePublicKey == keyA.publicKey)
    }

    /// Pins our hello to the bytes CometBFT's protoio writes for `BytesValue`.
    @Test func helloIsLengthDelimitedBytesValue() {
        var generator = SeededGenerator(seed: 10)
        let ephemeral = X25519KeyPair(using: &generator)
        #expect(SecretConnectionHandshake(privateKey: keyA, ephemeral: ephemeral).hello == HandBuiltPeer.hello(ephemeral.publicKey))
    }

    /// The peer's key and auth in one read (a slow reader): we answer and finish in one step.
    @Test func coalescedHelloAndAuth() throws {
        var a = makeSecretHandshake(keyA, seed: 10), b = makeSecretHandshake(keyB, seed: 20)
        let authB = split(try b.receive(a.hello)).sent
        let (authA, connectionA) = split(try a.receive(b.hello + authB))
        #expect(authA.count == SecretFrame.sealedSize)
        #expect(connectionA?.remotePublicKey == keyB.publicKey)
    }

    @Test(arguments: [0, 1, 1023, 1024, 1025, 5000])
    func dataRoundTripsInFramesOf1024(size: Int) throws {
        var (a, b) = try connect()
        let data = payload(index: size, size: size)
        let sealed = try a.seal(data)
        #expect(sealed.count == (size + 1023) / 1024 * SecretFrame.sealedSize)
        var received = Bytes()
        // Fed in odd pieces, as a socket may deliver them.
        var start = 0
        while start < sealed.count {
            let end = min(start + 333, sealed.count)
            received += try b.open(sealed[start..<end])
            start = end
        }
        #expect(received == data)
        try b.finish()
    }

    @Test func tamperedDataFrameFails() throws {
        var (a, b) = try connect()
        var sealed = try a.seal(Bytes("vote".utf8))
        sealed[100] ^= 0x01
        #expect(throws: SecretConnectionError.frameDecryptFailed(counter: 1)) { try b.open(sealed) }
    }

    @Test func tamperedAuthFrameFails() throws {
        var a = makeSecretHandshake(keyA, seed: 10), b = makeSecretHandshake(keyB, seed: 20)
        _ = try a.receive(b.hello)
        var authB = split(try b.receive(a.hello)).sent
        authB[authB.count - 1] ^= 0x80
        #expect(throws: SecretConnectionError.frameDecryptFailed(counter: 0)) { try a.receive(authB) }
    }

    /// The hand-built peer is accepted when it signs correctly, so the failures below are the
    /// signature's and the key type's, not the builder's.
    @Test func handBuiltPeerIsAcceptedWhenHonest() throws {
        let peer = HandBuiltPeer(seed: 30)
        var a = makeSecretHandshake(keyA, seed: 10)
        let authA = split(try a.receive(peer.hello)).sent
        #expect(authA.count == SecretFrame.sealedSize)
        let auth = try peer.auth(remoteHello: a.hello) { peer.key.sign($0) }
        #expect(split(try a.receive(auth)).connection?.remotePublicKey == peer.key.publicKey)
    }

    @Test func wrongSignatureFails() throws {
        let peer = HandBuiltPeer(seed: 30)
        var a = makeSecretHandshake(keyA, seed: 10)
        _ = try a.receive(peer.hello)
        let auth = try peer.auth(remoteHello: a.hello) { peer.key.sign($0 + [0]) }
        #expect(throws: SecretConnectionError.badChallengeSignature) { try a.receive(auth) }
    }

    @Test func signatureByAnotherKeyFails() throws {
        let peer = HandBuiltPeer(seed: 30)
        var a = makeSecretHandshake(keyA, seed: 10)
        _ = try a.receive(peer.hello)
        let auth = try peer.auth(remoteHello: a.hello) { keyB.sign($0) }
        #expect(throws: SecretConnectionError.badChallengeSignature) { try a.receive(auth) }
    }

    @Test func secp256k1KeyIsRefused() throws {
        let peer = HandBuiltPeer(seed: 30)
        var a = makeSecretHandshake(keyA, seed: 10)
        _ = try a.receive(peer.hello)
        let auth = try peer.auth(remoteHello: a.hello, keyField: 0x12) { peer.key.sign($0) }
        #expect(throws: SecretConnectionError.unsupportedKeyType) { try a.receive(auth) }
    }

    /// u = 0 and u = 1 are points of low order: the X25519 secret would be all zeros.
    @Test(arguments: [Bytes(repeating: 0, count: 32), [1] + Bytes(repeating: 0, count: 31)])
    func lowOrderEphemeralKeyIsRefused(point: Bytes) {
        var a = makeSecretHandshake(keyA, seed: 10)
        #expect(throws: SecretConnectionError.lowOrderEphemeralKey) { try a.receive(HandBuiltPeer.hello(point)) }
    }

    @Test func malformedEphemeralKeyMessages() {
        var a = makeSecretHandshake(keyA, seed: 10)
        #expect(throws: SecretConnectionError.self) { try a.receive([0x80, 0x08]) }  // 1024-byte message
        var b = makeSecretHandshake(keyA, seed: 10)
        #expect(throws: SecretConnectionError.malformedEphemeralKey("key of 31 bytes, expected 32")) {
            try b.receive([0x21, 0x0a, 0x1f] + Bytes(repeating: 9, count: 31))
        }
    }

    @Test func truncatedHelloAndFrame() throws {
        var a = makeSecretHandshake(keyA, seed: 10)
        let b = makeSecretHandshake(keyB, seed: 20)
        #expect(try a.receive(Bytes(b.hello.prefix(10))).isEmpty)
        #expect(throws: SecretConnectionError.truncated(have: 10, need: 35)) { try a.finish() }

        var (sender, receiver) = try connect()
        let sealed = try sender.seal(Bytes(repeating: 7, count: 10))
        #expect(try receiver.open(sealed.prefix(500)).isEmpty)
        #expect(throws: SecretConnectionError.truncated(have: 500, need: SecretFrame.sealedSize)) { try receiver.finish() }
    }

    @Test func frameDeclaringTooMuchDataFails() throws {
        let key = Bytes(repeating: 3, count: 32)
        var frame = Bytes(repeating: 0, count: SecretFrame.plaintextSize)
        frame[0] = 0x01
        frame[1] = 0x04  // 1025
        var opener = SecretFrameOpener(key: key)
        let sealed = ChaCha20Poly1305.seal(frame, key: key, nonce: SecretFrame.nonce(counter: 0))
        #expect(throws: SecretConnectionError.frameDataTooLong(length: 1025)) { try opener.open(sealed) }
    }

    @Test func feedingAfterEstablishedIsRefused() throws {
        var a = makeSecretHandshake(keyA, seed: 10), b = makeSecretHandshake(keyB, seed: 20)
        let authA = split(try a.receive(b.hello)).sent
        let authB = split(try b.receive(a.hello)).sent
        _ = try a.receive(authB)
        _ = authA
        #expect(throws: SecretConnectionError.handshakeOutOfOrder) { try a.receive([1]) }
    }
}
