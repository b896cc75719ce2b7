import PalisadeCrypto

/// Why a handshake failed or a connection was closed. Every case is a reason to drop the peer;
/// none is recoverable on the same connection, because after any fault the two sides can no
/// longer agree on the nonce counters or on who the peer is.
public enum P2PError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The hello did not start with the protocol magic: not a Palisade peer.
    case badMagic(Bytes)
    /// The peer speaks another version of the wire protocol.
    case unsupportedVersion(UInt16)
    /// The peer echoed our own ephemeral key (a reflection) or sent a low-order point.
    case badEphemeralKey
    /// The encrypted authentication message did not decrypt: wrong session keys or tampering.
    case authDecryptFailed
    /// The node key's signature over this session's transcript did not verify.
    case badSignature
    /// The peer's node key has a different ID from the one that was dialled.
    case unexpectedPeerID(expected: String, actual: String)
    /// A handshake step was called out of order (a bug in the caller, not the peer).
    case handshakeOutOfOrder
    /// The peer did not finish the handshake within the configured time.
    case handshakeTimeout
    /// A frame's length prefix is above the limit; the body is never read or allocated.
    case frameTooLarge(length: UInt64, limit: Int)
    /// A frame is shorter than a channel byte plus the AEAD tag.
    case frameTooShort(length: Int)
    /// The length prefix is not a minimal unsigned varint.
    case malformedLength
    /// The frame at nonce `counter` failed authentication: tampered, reordered or replayed.
    case frameDecryptFailed(counter: UInt64)
    /// The connection ended in the middle of a frame or of the handshake.
    case truncated(have: Int, need: Int)
    /// The per-direction nonce counter would wrap; the connection must close first.
    case nonceExhausted
    /// A message to send is above the configured maximum.
    case messageTooLarge(size: Int, limit: Int)
    /// The connection is closed; nothing more can be sent.
    case connectionClosed
    /// The socket failed (reset, unreachable, ...); the text is the underlying error.
    case socket(String)
    /// The first message after the handshake was not a node info, or not a valid one.
    case badNodeInfo(String)
    /// The peer's node info is not compatible with ours (another chain, another block protocol).
    case incompatiblePeer(String)

    public var description: String {
        switch self {
        case .badMagic(let bytes): "handshake hello: bad magic \(bytes.hex), not a Palisade peer"
        case .unsupportedVersion(let version): "handshake hello: unsupported protocol version \(version)"
        case .badEphemeralKey: "handshake hello: ephemeral key reflected or of low order"
        case .authDecryptFailed: "handshake auth: message failed AEAD authentication"
        case .badSignature: "handshake auth: node key signature over the transcript is invalid"
        case .unexpectedPeerID(let expected, let actual): "handshake auth: peer ID \(actual), dialled \(expected)"
        case .handshakeOutOfOrder: "handshake: step called out of order"
        case .handshakeTimeout: "handshake: not completed in time"
        case .frameTooLarge(let length, let limit): "frame: length \(length) above limit \(limit)"
        case .frameTooShort(let length): "frame: length \(length) shorter than channel byte and tag"
        case .malformedLength: "frame: malformed length prefix"
        case .frameDecryptFailed(let counter): "frame \(counter): AEAD authentication failed"
        case .truncated(let have, let need): "connection ended inside a message (\(have) of \(need) bytes)"
        case .nonceExhausted: "frame: nonce counter exhausted"
        case .messageTooLarge(let size, let limit): "send: message of \(size) bytes above limit \(limit)"
        case .connectionClosed: "connection closed"
        case .socket(let reason): "socket error: \(reason)"
        case .badNodeInfo(let reason): "node info: \(reason)"
        case .incompatiblePeer(let reason): "incompatible peer: \(reason)"
        }
    }
}
