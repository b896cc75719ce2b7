import NIOCore

/// Limits and hooks of the transport. The log hook receives one line per handshake failure and
/// per disconnect (with its reason), so the node can route it to its own logger.
public struct P2PConfiguration: Sendable {
    /// Largest message body accepted or sent; a longer frame closes the connection.
    public var maxMessageSize: Int
    /// A peer that has not finished the handshake by then is dropped.
    public var handshakeTimeout: TimeAmount
    /// How long a dial may take to connect (`[p2p] dial_timeout`, CometBFT's default 3 s); the
    /// handshake then has `handshakeTimeout`.
    public var dialTimeout: TimeAmount
    /// Messages that may wait unconsumed in a connection's inbound sequence before the socket is
    /// no longer read. Memory per peer stays near this many messages plus one socket read and one
    /// partial frame.
    public var inboundBufferLimit: Int
    public var log: @Sendable (String) -> Void

    public init(
        maxMessageSize: Int = WireProtocol.defaultMaxMessageSize,
        handshakeTimeout: TimeAmount = .seconds(10),
        dialTimeout: TimeAmount = .seconds(3),
        inboundBufferLimit: Int = 32,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.maxMessageSize = maxMessageSize
        self.handshakeTimeout = handshakeTimeout
        self.dialTimeout = dialTimeout
        self.inboundBufferLimit = inboundBufferLimit
        self.log = log
    }
}
