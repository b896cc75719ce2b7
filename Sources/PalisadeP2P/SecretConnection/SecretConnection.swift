import PalisadeCrypto

/// An established CometBFT v0.38 secret connection: the authenticated peer key and the two
/// directional frame states. Pure; `SecretConnectionHandler` drives it over a NIO channel.
///
/// What is CometBFT-compatible, byte for byte, and what pins it:
/// - Keccak-f[1600] (XKCP zero-state vector), STROBE-128 (merlin's conformance run) and the
///   Merlin transcript (curve25519-voi's simple and complex transcripts): `PalisadeCryptoTests`.
/// - HKDF-SHA256 (RFC 5869) and the directional keys: CometBFT's
///   `TestDeriveSecretsAndChallengeGolden.golden`, copied into `Tests/Fixtures/cometbft/`.
/// - Message framing: ephemeral keys as length-delimited `gogotypes.BytesValue`; the
///   `tendermint.p2p.AuthSigMessage` length-delimited inside the first sealed frame; frames of
///   `SecretFrame.sealedSize` bytes with CometBFT's nonce layout.
/// Not spoken: CometBFT's MConnection (packets, channels, ping/pong) on top. The privval protocol
/// runs directly over this stream, as CometBFT's `SignerListenerEndpoint` does.
public struct SecretConnection: Sendable {
    public let remotePublicKey: Ed25519PublicKey
    private var sealer: SecretFrameSealer
    private var opener: SecretFrameOpener
    /// Data the peer sent in the frame that carried its `AuthSigMessage`, after it.
    public private(set) var pendingPlaintext: Bytes

    init(remotePublicKey: Ed25519PublicKey, sealer: SecretFrameSealer, opener: SecretFrameOpener, pendingPlaintext: Bytes) {
        self.remotePublicKey = remotePublicKey
        self.sealer = sealer
        self.opener = opener
        self.pendingPlaintext = pendingPlaintext
    }

    /// The pending plaintext, once; later calls return nothing.
    public mutating func takePendingPlaintext() -> Bytes {
        defer { pendingPlaintext = [] }
        return pendingPlaintext
    }

    /// Sealed frames carrying `data`, ready to write.
    public mutating func seal(_ data: Bytes) throws(SecretConnectionError) -> Bytes {
        try sealer.seal(data)
    }

    /// The data of every frame that `bytes` completes.
    public mutating func open(_ bytes: some Collection<UInt8>) throws(SecretConnectionError) -> Bytes {
        try opener.open(bytes)
    }

    /// Call at end of stream: throws when it ended inside a frame.
    public func finish() throws(SecretConnectionError) {
        try opener.finish()
    }
}
