import PalisadeCrypto

/// The authenticated key exchange, as a value that takes the peer's bytes and returns the bytes to
/// send, so it is tested without sockets. Both sides run the same steps (there is no initiator):
///
/// 1. send `hello` (magic, version, ephemeral X25519 key) and read the peer's;
/// 2. derive directional keys and send `auth`: the node's Ed25519 key and its signature over the
///    transcript (both ephemeral keys in canonical order plus the version), sealed under the send key;
/// 3. open the peer's `auth`, verify the signature, derive the peer ID, compare with the dialled one.
///
/// The signature covers this session's fresh ephemeral keys, so it cannot be replayed into another
/// session; sealing it hides which node is connecting from a passive observer.
public struct Handshake: Sendable {
    private enum State: Sendable {
        case awaitingHello
        case awaitingAuth(keys: SessionKeys)
        case finished
        case failed
    }

    private let nodeKey: NodeKey
    private let expectedPeerID: String?
    private let ephemeral: X25519KeyPair
    private var state: State = .awaitingHello

    /// `expectedPeerID` is the ID dialled (`id@host:port`); `nil` accepts any authenticated peer
    /// (an inbound connection). The ephemeral key is drawn from `generator`.
    public init(nodeKey: NodeKey, expectedPeerID: String?, using generator: inout some RandomNumberGenerator) {
        self.nodeKey = nodeKey
        self.expectedPeerID = expectedPeerID?.lowercased()
        self.ephemeral = X25519KeyPair(using: &generator)
    }

    /// The first message to send, before reading anything from the peer.
    public var hello: Bytes {
        var out = WireProtocol.magic
        out.append(UInt8(WireProtocol.version >> 8))
        out.append(UInt8(WireProtocol.version & 0xff))
        out += ephemeral.publicKey
        return out
    }

    /// Takes exactly `WireProtocol.helloSize` bytes from the peer; returns the `auth` message to send.
    public mutating func receiveHello(_ bytes: Bytes) throws(P2PError) -> Bytes {
        guard case .awaitingHello = state else { throw .handshakeOutOfOrder }
        state = .failed
        guard bytes.count == WireProtocol.helloSize else {
            throw .truncated(have: bytes.count, need: WireProtocol.helloSize)
        }
        let magicEnd = WireProtocol.magic.count
        guard Bytes(bytes[0..<magicEnd]) == WireProtocol.magic else { throw .badMagic(Bytes(bytes[0..<magicEnd])) }
        let version = UInt16(bytes[magicEnd]) << 8 | UInt16(bytes[magicEnd + 1])
        guard version == WireProtocol.version else { throw .unsupportedVersion(version) }
        let peerEphemeral = Bytes(bytes[(magicEnd + 2)...])
        // An echo of our own key would let a reflector pose as us; libsodium rejects low-order points.
        guard peerEphemeral != ephemeral.publicKey,
              let keys = SessionKeys(ephemeral: ephemeral, peerEphemeral: peerEphemeral) else {
            throw .badEphemeralKey
        }
        let signature = nodeKey.privateKey.sign(keys.signedMessage(forLowerSide: keys.isLowerSide))
        let auth = nodeKey.publicKey.bytes + signature
        state = .awaitingAuth(keys: keys)
        return ChaCha20Poly1305.seal(auth, key: keys.send, counter: WireProtocol.authCounter, associatedData: keys.transcript)
    }

    /// Takes exactly `WireProtocol.authSize` bytes from the peer; the handshake is then complete.
    public mutating func receiveAuth(_ bytes: Bytes) throws(P2PError) -> HandshakeOutcome {
        guard case .awaitingAuth(let keys) = state else { throw .handshakeOutOfOrder }
        state = .failed
        guard bytes.count == WireProtocol.authSize else {
            throw .truncated(have: bytes.count, need: WireProtocol.authSize)
        }
        guard let auth = ChaCha20Poly1305.open(
            bytes, key: keys.receive, counter: WireProtocol.authCounter, associatedData: keys.transcript),
            auth.count == WireProtocol.authPlaintextSize,
            let peerKey = Ed25519PublicKey(bytes: Bytes(auth[0..<Ed25519PublicKey.size])) else {
            throw .authDecryptFailed
        }
        let signature = Bytes(auth[Ed25519PublicKey.size...])
        // The peer signs with the other role byte, so our own signature sent back never verifies.
        guard peerKey.verify(signature: signature, message: keys.signedMessage(forLowerSide: !keys.isLowerSide)) else {
            throw .badSignature
        }
        let peerID = NodeKey.id(of: peerKey)
        if let expectedPeerID, expectedPeerID != peerID {
            throw .unexpectedPeerID(expected: expectedPeerID, actual: peerID)
        }
        state = .finished
        return HandshakeOutcome(peerKey: peerKey, peerID: peerID, sendKey: keys.send, receiveKey: keys.receive)
    }
}

/// A finished handshake: who the peer is and the keys for the two directions of the stream.
public struct HandshakeOutcome: Sendable {
    public let peerKey: Ed25519PublicKey
    /// Lower-case hex of the peer node key's address, as dialled in `id@host:port`.
    public let peerID: String
    let sendKey: Bytes
    let receiveKey: Bytes

    /// The two halves of the secure stream that follow the handshake.
    public func makeStream(maxMessageSize: Int = WireProtocol.defaultMaxMessageSize) -> (FrameSealer, FrameOpener) {
        (FrameSealer(key: sendKey, maxMessageSize: maxMessageSize),
         FrameOpener(key: receiveKey, maxMessageSize: maxMessageSize))
    }
}
