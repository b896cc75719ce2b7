import PalisadeCrypto

/// Constants of the wire protocol (see WIRE-FORMAT.md). Changing any byte layout means a new
/// `version`; a peer accepts only its own version, so a mismatch fails the handshake instead of
/// misparsing (v2 added the node-info exchange, WIRE-FORMAT.md §2.4).
public enum WireProtocol {
    /// "PLSD": lets a peer tell a Palisade node from anything else listening on the port.
    public static let magic: Bytes = [0x50, 0x4C, 0x53, 0x44]
    public static let version: UInt16 = 2

    /// magic (4) || version (2, big-endian) || ephemeral X25519 public key (32).
    public static let helloSize = magic.count + 2 + X25519KeyPair.publicKeySize
    /// node public key (32) || signature (64), sealed: + 16-byte tag.
    public static let authPlaintextSize = Ed25519PublicKey.size + Ed25519PrivateKey.signatureSize
    public static let authSize = authPlaintextSize + ChaCha20Poly1305.tagSize

    /// Default largest message body (before the channel byte). Block parts are 64 KiB; 4 MiB
    /// leaves room for large transactions and evidence lists.
    public static let defaultMaxMessageSize = 4 * 1024 * 1024

    /// Nonce counter 0 of each direction seals the authentication message; frames start at 1.
    static let authCounter: UInt64 = 0
    static let firstFrameCounter: UInt64 = 1
}
