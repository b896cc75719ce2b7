import PalisadeCrypto

/// The consensus driver's view of the peer-to-peer layer: send, broadcast, and drop a peer that
/// misbehaved. `PalisadeP2P.Switch` is the real one; in-process tests wire drivers directly.
public protocol PeerNetwork: Sendable {
    func send(to peer: String, channel: UInt8, bytes: Bytes) async
    func broadcast(channel: UInt8, bytes: Bytes) async
    func disconnect(peer: String, reason: String) async
}
