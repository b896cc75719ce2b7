import PalisadeCrypto

/// The keys and challenge of one secret connection, as CometBFT v0.38 derives them
/// (p2p/conn/secret_connection.go): HKDF-SHA256 over the X25519 secret, no salt, info
/// `TENDERMINT_SECRET_CONNECTION_KEY_AND_CHALLENGE_GEN`, gives two 32-byte keys; the side whose
/// ephemeral key sorts lower receives with the first and sends with the second. The challenge
/// each side signs comes from a Merlin transcript of both ephemeral keys and the secret.
public struct SecretConnectionKeys: Sendable, Equatable {
    static let hkdfInfo = Bytes("TENDERMINT_SECRET_CONNECTION_KEY_AND_CHALLENGE_GEN".utf8)
    static let transcriptLabel = "TENDERMINT_SECRET_CONNECTION_TRANSCRIPT_HASH"
    public static let challengeSize = 32

    public let receive: Bytes
    public let send: Bytes
    public let challenge: Bytes

    /// `nil` when the peer's ephemeral key is of low order (CometBFT's X25519 refuses it too).
    public init?(ephemeral: X25519KeyPair, remoteEphemeralKey: Bytes) {
        guard let secret = ephemeral.sharedSecret(peerPublicKey: remoteEphemeralKey) else { return nil }
        let localIsLeast = !remoteEphemeralKey.lexicographicallyPrecedes(ephemeral.publicKey)
        (receive, send) = Self.deriveSecrets(sharedSecret: secret, localIsLeast: localIsLeast)
        let (lower, upper) = localIsLeast
            ? (ephemeral.publicKey, remoteEphemeralKey) : (remoteEphemeralKey, ephemeral.publicKey)
        challenge = Self.challenge(lowerEphemeralKey: lower, upperEphemeralKey: upper, sharedSecret: secret)
    }

    /// The two directional keys (CometBFT's `deriveSecrets`). HKDF's third 32 bytes, which
    /// Tendermint before v0.34 used as the challenge, are no longer used.
    public static func deriveSecrets(sharedSecret: Bytes, localIsLeast: Bool) -> (receive: Bytes, send: Bytes) {
        let keySize = ChaCha20Poly1305.keySize
        let material = HKDFSHA256.derive(
            inputKeyMaterial: sharedSecret, info: hkdfInfo, outputByteCount: 2 * keySize + challengeSize)
        let first = Bytes(material[0..<keySize]), second = Bytes(material[keySize..<2 * keySize])
        return localIsLeast ? (first, second) : (second, first)
    }

    public static func challenge(lowerEphemeralKey: Bytes, upperEphemeralKey: Bytes, sharedSecret: Bytes) -> Bytes {
        var transcript = MerlinTranscript(label: transcriptLabel)
        transcript.appendMessage(label: "EPHEMERAL_LOWER_PUBLIC_KEY", message: lowerEphemeralKey)
        transcript.appendMessage(label: "EPHEMERAL_UPPER_PUBLIC_KEY", message: upperEphemeralKey)
        transcript.appendMessage(label: "DH_SECRET", message: sharedSecret)
        return transcript.challengeBytes(label: "SECRET_CONNECTION_MAC", count: challengeSize)
    }
}
