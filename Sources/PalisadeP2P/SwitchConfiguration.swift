/// The peer manager's limits, on top of the transport's `P2PConfiguration`.
public struct SwitchConfiguration: Sendable {
    /// First wait before redialling a persistent peer; doubled after each failure.
    public var dialBackoffInitial: Duration
    /// Largest wait between dials of a persistent peer.
    public var dialBackoffMax: Duration
    /// Inbound connections from peers that are not persistent peers, at most.
    public var maxInboundPeers: Int
    /// Messages queued for one peer and not yet written to its socket. A peer that lets this many
    /// pile up (it reads slower than we send) is disconnected rather than buffered without bound.
    public var sendQueueLimit: Int
    /// Bytes queued for one peer, at most; the same rule as `sendQueueLimit`.
    public var sendQueueByteLimit: Int
    /// Unconsumed `.message` events, across all peers, before peers' sockets stop being read.
    public var eventBufferLimit: Int
    /// How often a ping goes to every peer.
    public var pingInterval: Duration
    /// A peer from which nothing (not even a pong) arrived for this long is disconnected.
    public var idleTimeout: Duration

    public init(
        dialBackoffInitial: Duration = .milliseconds(100),
        dialBackoffMax: Duration = .seconds(10),
        maxInboundPeers: Int = 40,
        sendQueueLimit: Int = 1024,
        sendQueueByteLimit: Int = 64 * 1024 * 1024,
        eventBufferLimit: Int = 1024,
        pingInterval: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(20)
    ) {
        self.dialBackoffInitial = dialBackoffInitial
        self.dialBackoffMax = dialBackoffMax
        self.maxInboundPeers = maxInboundPeers
        self.sendQueueLimit = sendQueueLimit
        self.sendQueueByteLimit = sendQueueByteLimit
        self.eventBufferLimit = eventBufferLimit
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
    }
}
