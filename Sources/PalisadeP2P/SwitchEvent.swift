import Foundation
import PalisadeCrypto

/// What the switch reports to the reactors. For each peer ID, `.peerConnected` and
/// `.peerDisconnected` alternate, starting with `.peerConnected`. A `.message` already read when its
/// peer disconnected may still follow the `.peerDisconnected`.
///
/// A message holds its share of the switch's `InboundBudget` until its `lease` is released (or
/// dropped): whoever handles it last releases it, so the peer's socket is read again only as
/// fast as messages are handled.
public enum SwitchEvent: Sendable, Equatable {
    case peerConnected(PeerInfo)
    case peerDisconnected(id: String, reason: String)
    case message(from: String, channel: ChannelID, bytes: Bytes, lease: InboundLease? = nil)
}

/// One connected peer, as RPC `net_info` shows it.
public struct PeerInfo: Sendable, Equatable {
    /// Lower-case hex node ID, authenticated by the handshake.
    public let id: String
    /// The socket's remote address (for an inbound peer, its ephemeral port, not its listen port).
    public let remoteAddress: String
    /// True when we dialled the peer.
    public let isOutbound: Bool
    /// True when the peer is in `persistent_peers`.
    public let isPersistent: Bool
    public let connectedSince: Date
    /// What the peer said about itself after the handshake: moniker, listen address, versions.
    public let nodeInfo: NodeInfo

    public init(id: String, remoteAddress: String, isOutbound: Bool, isPersistent: Bool, connectedSince: Date,
                nodeInfo: NodeInfo) {
        self.nodeInfo = nodeInfo
        self.id = id
        self.remoteAddress = remoteAddress
        self.isOutbound = isOutbound
        self.isPersistent = isPersistent
        self.connectedSince = connectedSince
    }
}
