/// Why a CometBFT secret connection failed. Every case ends the connection: after any of them the
/// two sides can no longer agree on keys, nonces or who the peer is.
public enum SecretConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer's ephemeral key message is not a length-delimited `BytesValue` of 32 bytes.
    case malformedEphemeralKey(String)
    /// The peer's ephemeral key is of low order: the X25519 secret would be all zeros.
    case lowOrderEphemeralKey
    /// A sealed frame failed authentication: tampered, reordered, replayed or wrong keys.
    case frameDecryptFailed(counter: UInt64)
    /// A frame decrypted but declares more than 1024 data bytes.
    case frameDataTooLong(length: UInt32)
    /// The peer's `AuthSigMessage` is not a valid length-delimited protobuf, or is too long.
    case malformedAuthMessage(String)
    /// The peer authenticated with a key that is not Ed25519 (CometBFT accepts no other here).
    case unsupportedKeyType
    /// The peer's signature over the handshake challenge does not verify under its key.
    case badChallengeSignature
    /// The connection ended inside a handshake message or a sealed frame.
    case truncated(have: Int, need: Int)
    /// The handshake did not finish within its deadline.
    case handshakeTimeout
    /// Bytes were fed to a handshake that had already finished (a caller bug).
    case handshakeOutOfOrder
    /// The 64-bit nonce counter would wrap; the connection must close first.
    case nonceExhausted

    public var description: String {
        switch self {
        case .malformedEphemeralKey(let reason): "secret connection: malformed ephemeral key message: \(reason)"
        case .lowOrderEphemeralKey: "secret connection: ephemeral key of low order"
        case .frameDecryptFailed(let counter): "secret connection: frame \(counter) failed authentication"
        case .frameDataTooLong(let length): "secret connection: frame declares \(length) data bytes, above 1024"
        case .malformedAuthMessage(let reason): "secret connection: malformed AuthSigMessage: \(reason)"
        case .unsupportedKeyType: "secret connection: peer key is not ed25519"
        case .badChallengeSignature: "secret connection: challenge signature does not verify"
        case .truncated(let have, let need): "secret connection: ended inside a message (\(have) of \(need) bytes)"
        case .handshakeTimeout: "secret connection: handshake not completed in time"
        case .handshakeOutOfOrder: "secret connection: handshake fed after it finished"
        case .nonceExhausted: "secret connection: nonce counter exhausted"
        }
    }
}
