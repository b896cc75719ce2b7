import PalisadeCrypto

/// The receiving half of the secure stream. Frames must arrive in order: the nonce is implicit,
/// so a dropped, repeated or reordered frame fails authentication and closes the connection.
public struct FrameOpener: Sendable {
    private let key: Bytes
    public let maxMessageSize: Int
    /// The nonce counter the next frame must have been sealed with.
    public private(set) var counter: UInt64

    /// `counter` other than the first frame's is for tests that drive it to exhaustion.
    init(key: Bytes, maxMessageSize: Int, counter: UInt64 = WireProtocol.firstFrameCounter) {
        self.key = key
        self.maxMessageSize = maxMessageSize
        self.counter = counter
    }

    /// Largest body a length prefix may announce: channel byte + message + tag.
    public var maxBodySize: Int { maxMessageSize + 1 + ChaCha20Poly1305.tagSize }

    /// Parses a length prefix at the start of `bytes` against this stream's limit.
    public func parseLength(_ bytes: some Collection<UInt8>) throws(P2PError) -> FrameLength.Parse {
        try FrameLength.parse(bytes, limit: maxBodySize)
    }

    /// Decrypts one frame body (the bytes after the length prefix).
    public mutating func open(body: Bytes) throws(P2PError) -> InboundMessage {
        guard body.count >= 1 + ChaCha20Poly1305.tagSize else { throw .frameTooShort(length: body.count) }
        guard counter < UInt64.max else { throw .nonceExhausted }
        guard let plaintext = ChaCha20Poly1305.open(body, key: key, counter: counter), let channel = plaintext.first else {
            throw .frameDecryptFailed(counter: counter)
        }
        counter += 1
        return InboundMessage(channel: channel, bytes: Bytes(plaintext.dropFirst()))
    }
}
