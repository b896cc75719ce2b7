import Foundation
import PalisadeCrypto

/// What the switch reports to the reactors. For each peer ID, `.peerConnected` and
/// `.peerDisconnected` alternate, starting with `.peerConnected`. A `.message` already read when its
/// peer disconnected may still follow the `.peerDisconnected`.
public enum SwitchEvent: Sendable, Equatable {
    case peerConnected(PeerInfo)
    case peerDisconnected(id: String, reason: String)
    case message(from: String, channel: ChannelID, bytes: Bytes)
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

    public init(id: String, remoteAddress: String, isOutbound: Bool, isPersistent: Bool, connectedSince: Date) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.isOutbound = isOutbound
        self.isPersistent = isPersistent
        self.connectedSince = connectedSince
    }
}
