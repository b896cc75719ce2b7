import PalisadeCrypto

/// The sending half of the secure stream: turns `(channel, message)` into
/// `uvarint(length) || AEAD(channel || message)` under the next nonce.
public struct FrameSealer: Sendable {
    private let key: Bytes
    public let maxMessageSize: Int
    /// The nonce counter the next frame will use.
    public private(set) var counter: UInt64

    /// `counter` other than the first frame's is for tests that drive it to exhaustion.
    init(key: Bytes, maxMessageSize: Int, counter: UInt64 = WireProtocol.firstFrameCounter) {
        self.key = key
        self.maxMessageSize = maxMessageSize
        self.counter = counter
    }

    public mutating func seal(channel: ChannelID, message: Bytes) throws(P2PError) -> Bytes {
        guard message.count <= maxMessageSize else {
            throw .messageTooLarge(size: message.count, limit: maxMessageSize)
        }
        // The last counter value is never used, so the connection closes before a nonce could repeat.
        guard counter < UInt64.max else { throw .nonceExhausted }
        var plaintext = Bytes()
        plaintext.reserveCapacity(message.count + 1)
        plaintext.append(channel)
        plaintext += message
        let body = ChaCha20Poly1305.seal(plaintext, key: key, counter: counter)
        counter += 1
        return FrameLength.encode(body.count) + body
    }
}
