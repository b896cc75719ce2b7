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
    /// The same in bytes: reading stops once this many are buffered, so a peer sending 4 MiB
    /// messages holds about this plus one message and one partial frame, not 32 × 4 MiB.
    public var inboundBufferByteLimit: Int
    /// What this node tells peers after the handshake; the node ID is filled in from the key.
    public var nodeInfo: NodeInfo
    public var log: @Sendable (String) -> Void

    public init(
        maxMessageSize: Int = WireProtocol.defaultMaxMessageSize,
        handshakeTimeout: TimeAmount = .seconds(10),
        dialTimeout: TimeAmount = .seconds(3),
        inboundBufferLimit: Int = 32,
        inboundBufferByteLimit: Int = 1 << 20,
        nodeInfo: NodeInfo = NodeInfo(nodeID: ""),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.maxMessageSize = maxMessageSize
        self.handshakeTimeout = handshakeTimeout
        self.dialTimeout = dialTimeout
        self.inboundBufferLimit = inboundBufferLimit
        self.inboundBufferByteLimit = inboundBufferByteLimit
        self.nodeInfo = nodeInfo
        self.log = log
    }
}
