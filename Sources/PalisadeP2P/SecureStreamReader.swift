import PalisadeCrypto

/// Reassembles frames from bytes as they arrive in arbitrary pieces (the socket-free form of the
/// NIO frame decoder, used by tests and anything that reads a byte stream itself).
public struct SecureStreamReader: Sendable {
    private var opener: FrameOpener
    private var buffer = Bytes()
    private var start = 0

    public init(opener: FrameOpener) { self.opener = opener }

    public var counter: UInt64 { opener.counter }

    public mutating func append(_ bytes: Bytes) {
        // Drop consumed bytes once they dominate, so the buffer does not grow without bound.
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += bytes
    }

    /// The next complete message, or `nil` until more bytes arrive. An error is final.
    public mutating func next() throws(P2PError) -> InboundMessage? {
        let pending = buffer[start...]
        guard case .length(let body, let prefix) = try opener.parseLength(pending) else { return nil }
        guard pending.count - prefix >= body else { return nil }
        let bodyStart = start + prefix
        let message = try opener.open(body: Bytes(buffer[bodyStart..<(bodyStart + body)]))
        start = bodyStart + body
        return message
    }

    /// Call at end of stream: leftover bytes mean the peer stopped inside a frame.
    public func finish() throws(P2PError) {
        let pending = buffer[start...]
        guard !pending.isEmpty else { return }
        switch try opener.parseLength(pending) {
        case .needMoreBytes:
            throw .truncated(have: pending.count, need: pending.count + 1)
        case .length(let body, let prefix):
            throw .truncated(have: pending.count, need: prefix + body)
        }
    }
}
