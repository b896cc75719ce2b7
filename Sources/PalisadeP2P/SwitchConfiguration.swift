/// The peer manager's limits, on top of the transport's `P2PConfiguration`.
public struct SwitchConfiguration: Sendable {
    /// First wait before redialling a persistent peer; doubled after each failure.
    public var dialBackoffInitial: Duration
    /// Largest wait between dials of a persistent peer.
    public var dialBackoffMax: Duration
    /// Inbound connections from peers that are not persistent peers, at most.
    public var maxInboundPeers: Int
    /// Outbound connections to peers that are not persistent peers, at most (persistent peers
    /// are always dialled). Only `connect(to:)` makes such connections.
    public var maxOutboundPeers: Int
    /// Messages queued for one peer and not yet written to its socket. A peer that lets this many
    /// pile up (it reads slower than we send) is disconnected rather than buffered without bound.
    public var sendQueueLimit: Int
    /// Bytes queued for one peer, at most; the same rule as `sendQueueLimit`.
    public var sendQueueByteLimit: Int
    /// Unconsumed `.message` events, across all peers, before peers' sockets stop being read.
    public var eventBufferLimit: Int
    /// Bytes and messages received and not yet handled, per peer and in all (`InboundBudget`):
    /// past them the peers' sockets stop being read until the handlers catch up.
    public var inboundLimits: InboundBudget.Limits
    /// The largest message each channel carries. When not empty, a message on a channel not
    /// listed, or above its channel's limit, disconnects the peer before it is queued (CometBFT's
    /// per-channel receive capacity): a 4 MiB frame on a channel whose messages are 100 bytes
    /// is never decoded.
    public var channelMessageLimits: [ChannelID: Int]
    /// Peers that are not persistent peers from one IP address, at most (CometBFT refuses a
    /// second by default, `allow_duplicate_ip = false`; a few are allowed here for hosts behind
    /// one NAT). Loopback addresses are counted only when `limitLoopbackPeers` is set.
    public var maxPeersPerIP: Int
    public var limitLoopbackPeers: Bool
    /// Where bans are kept across restarts (`BanList`); nil keeps them in memory only.
    public var banFile: String?
    /// Each channel's share of a peer's connection when relays compete for it (`OutboundQueue`;
    /// CometBFT's channel priorities); a channel not listed weighs 1.
    public var channelPriorities: [ChannelID: Int]
    /// How often a ping goes to every peer.
    public var pingInterval: Duration
    /// A peer from which nothing (not even a pong) arrived for this long is disconnected.
    public var idleTimeout: Duration
    /// How long a peer dropped for misbehaviour is refused. Ten minutes: long enough that a
    /// hostile peer's reconnect loop costs it more than us (a handshake per ten minutes), short
    /// enough that a peer dropped for a bug of its own comes back once upgraded.
    public var banDuration: Duration

    /// Why a message on `channel` of `size` bytes is refused, or nil.
    func problem(channel: ChannelID, size: Int) -> String? {
        guard !channelMessageLimits.isEmpty else { return nil }
        guard let limit = channelMessageLimits[channel] else { return "message on unknown channel \(channel)" }
        guard size <= limit else { return "message of \(size) bytes on channel \(channel), above its limit \(limit)" }
        return nil
    }

    public init(
        dialBackoffInitial: Duration = .milliseconds(100),
        dialBackoffMax: Duration = .seconds(10),
        maxInboundPeers: Int = 40,
        maxOutboundPeers: Int = 10,
        sendQueueLimit: Int = 1024,
        sendQueueByteLimit: Int = 64 * 1024 * 1024,
        eventBufferLimit: Int = 1024,
        inboundLimits: InboundBudget.Limits = InboundBudget.Limits(),
        channelMessageLimits: [ChannelID: Int] = [:],
        channelPriorities: [ChannelID: Int] = [:],
        maxPeersPerIP: Int = 4,
        limitLoopbackPeers: Bool = false,
        banFile: String? = nil,
        pingInterval: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(20),
        banDuration: Duration = .seconds(600)
    ) {
        self.dialBackoffInitial = dialBackoffInitial
        self.dialBackoffMax = dialBackoffMax
        self.maxInboundPeers = maxInboundPeers
        self.maxOutboundPeers = maxOutboundPeers
        self.sendQueueLimit = sendQueueLimit
        self.sendQueueByteLimit = sendQueueByteLimit
        self.eventBufferLimit = eventBufferLimit
        self.inboundLimits = inboundLimits
        self.channelMessageLimits = channelMessageLimits
        self.channelPriorities = channelPriorities
        self.maxPeersPerIP = maxPeersPerIP
        self.limitLoopbackPeers = limitLoopbackPeers
        self.banFile = banFile
        self.pingInterval = pingInterval
        self.idleTimeout = idleTimeout
        self.banDuration = banDuration
    }
}
